// Runs the Fastify gateway against a local upstream until stopped: `pnpm --filter fastify-demo start`.
import { BreakerRegistry } from '@tripswitch/core';
import { startUpstream } from 'upstream';
import { createGateway } from './gateway.ts';

const upstream = await startUpstream({ port: Number(process.env.UPSTREAM_PORT ?? 4001) });
const registry = new BreakerRegistry();
registry.on('stateChange', ({ name, from, to, reason }) => {
  console.log(`${new Date().toISOString()}  ${name}: ${from} -> ${to} (${reason})`);
});
const gateway = await createGateway({ upstreamUrl: upstream.url, registry });
const url = await gateway.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
console.log(`gateway   ${url}/items/42
health    ${url}/health/circuits
metrics   ${url}/metrics
dashboard ${url}/breakers/
upstream  ${upstream.url}  (POST ${upstream.url}/chaos/outage to break it, /chaos/recover to heal it)`);
const stop = (): void => {
  void gateway
    .close()
    .then(() => upstream.close())
    .then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
