// Calls a local upstream through got with a breaker, once a second, printing each outcome and
// every state change: `pnpm --filter got-demo start`. Break the upstream with
// `curl -X POST <upstream>/chaos/outage` and heal it with `/chaos/recover` to watch it work.
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { startUpstream } from 'upstream';
import { createUpstreamClient } from './client.ts';

const upstream = await startUpstream({ port: Number(process.env.UPSTREAM_PORT ?? 4001) });
const registry = new BreakerRegistry();
registry.on('stateChange', ({ from, to, reason }) =>
  console.log(`circuit: ${from} -> ${to} (${reason})`),
);
const client = createUpstreamClient({ upstreamUrl: upstream.url, registry });
console.log(
  `calling ${upstream.url}/items/n every second; break it with: curl -X POST ${upstream.url}/chaos/outage`,
);

let n = 0;
const timer = setInterval(() => {
  n++;
  client.get(`items/${n}`).then(
    (response) => console.log(`#${n} ${response.statusCode}`),
    (error: unknown) =>
      console.log(
        `#${n} ${isCircuitOpenError(error) ? 'refused: circuit open' : (error as Error).message}`,
      ),
  );
}, 1_000);
const stop = (): void => {
  clearInterval(timer);
  void upstream.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
