// Runs the gateway against a local upstream until stopped: `pnpm --filter express-demo start`.
import type { AddressInfo } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { startUpstream } from 'upstream';
import { createGateway } from './gateway.ts';

const upstream = await startUpstream({ port: Number(process.env.UPSTREAM_PORT ?? 4000) });
const registry = new BreakerRegistry();
registry.on('stateChange', ({ name, from, to, reason }) => {
  console.log(`${new Date().toISOString()}  ${name}: ${from} -> ${to} (${reason})`);
});
const server = createGateway({ upstreamUrl: upstream.url, registry }).listen(
  Number(process.env.PORT ?? 3000),
  '127.0.0.1',
);
server.once('listening', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`gateway   http://127.0.0.1:${port}/items/42
health    http://127.0.0.1:${port}/health/circuits
metrics   http://127.0.0.1:${port}/metrics
dashboard http://127.0.0.1:${port}/breakers/
upstream  ${upstream.url}  (POST ${upstream.url}/chaos/outage to break it, /chaos/recover to heal it)`);
});
const stop = (): void => {
  server.close();
  void upstream.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
