// Runs the upstream on its own: `pnpm --filter upstream start` (PORT=4000 by default).
import { startUpstream } from './upstream.ts';

const port = Number(process.env.PORT ?? 4000);
const upstream = await startUpstream({ port });
console.log(`upstream listening on ${upstream.url}
  GET  ${upstream.url}/items/42          the service
  GET  ${upstream.url}/chaos             current chaos settings
  POST ${upstream.url}/chaos             {"failureRate":0.5,"latencyMs":200,"outage":false,"retryAfterSeconds":null}
  POST ${upstream.url}/chaos/outage      every request fails with 503
  POST ${upstream.url}/chaos/recover     back to healthy
  GET  ${upstream.url}/stats             requests received`);
const stop = (): void => {
  void upstream.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
