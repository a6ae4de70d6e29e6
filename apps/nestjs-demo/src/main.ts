// Runs the NestJS demo against a local upstream until stopped: `pnpm --filter nestjs-demo start`
// (it compiles the app first: Node cannot strip Nest's decorators from TypeScript by itself).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { startUpstream } from 'upstream';
import { createNestDemo } from './index.ts';

const upstream = await startUpstream({ port: Number(process.env.UPSTREAM_PORT ?? 4002) });
const app = await createNestDemo({
  upstreamUrl: upstream.url,
  logger: ['warn', 'error'],
});
app.get(BreakerRegistry).on('stateChange', ({ name, from, to, reason }) => {
  console.log(`${new Date().toISOString()}  ${name}: ${from} -> ${to} (${reason})`);
});
await app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
console.log(`items     http://127.0.0.1:${port}/items/42  (ask twice: the second answer is cached for the outage)
health    http://127.0.0.1:${port}/health
metrics   http://127.0.0.1:${port}/otel/metrics  (the breakers as OpenTelemetry instruments)
upstream  ${upstream.url}  (POST ${upstream.url}/chaos/outage to break it, /chaos/recover to heal it)`);
const stop = (): void => {
  void app
    .close()
    .then(() => upstream.close())
    .then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
