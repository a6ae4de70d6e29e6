// The gRPC demo on its own (`pnpm --filter grpc-demo start`): a client calls the inventory
// service ten times a second while the upstream behind the service is healthy, then down (503s
// asking for 5 s of peace, which the service passes on as grpc-retry-pushback-ms), then healthy
// again. Prints every state change of the client's breaker and, per phase, what the client saw
// and how many calls reached the service.
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { type Chaos, startUpstream } from 'upstream';
import { createInventoryClient } from './inventory-client.ts';
import { startInventoryService } from './inventory-service.ts';

const upstream = await startUpstream();
const service = await startInventoryService({ upstreamUrl: upstream.url });
const registry = new BreakerRegistry();
const client = createInventoryClient({ address: service.address, registry });
const started = performance.now();
const say = (text: string): void =>
  console.log(`${((performance.now() - started) / 1000).toFixed(2).padStart(6)}s  ${text}`);
registry.on('stateChange', ({ name, from, to, reason, openUntil }) => {
  const until =
    openUntil === undefined ? '' : `, trial in ${Math.round(openUntil - Date.now())} ms`;
  say(`breaker ${name}: ${from} → ${to} (${reason}${until})`);
});

const phases: { name: string; chaos: Partial<Chaos>; ms: number }[] = [
  { name: 'healthy', chaos: { outage: false }, ms: 3_000 },
  { name: 'outage', chaos: { outage: true, retryAfterSeconds: 5 }, ms: 9_000 },
  { name: 'recovered', chaos: { outage: false, retryAfterSeconds: undefined }, ms: 3_000 },
];
console.log(`gRPC demo: ${service.address} (shop.Inventory) reads from ${upstream.url}\n`);
const rows: string[] = [];
let n = 0;
for (const phase of phases) {
  upstream.setChaos(phase.chaos);
  say(`upstream: ${phase.name}`);
  const before = upstream.requestsFrom('grpc');
  const seen = { ok: 0, refused: 0, failed: 0 };
  const calls: Promise<void>[] = [];
  const end = performance.now() + phase.ms;
  while (performance.now() < end) {
    calls.push(
      client.getStock(String(++n)).then(
        () => void seen.ok++,
        (error: { cause?: unknown }) =>
          void (isCircuitOpenError(error.cause) ? seen.refused++ : seen.failed++),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await Promise.all(calls);
  const reached = upstream.requestsFrom('grpc') - before;
  rows.push(
    `${phase.name.padEnd(10)} ${String(calls.length).padStart(5)} ${String(seen.ok).padStart(5)} ${String(seen.failed).padStart(7)} ${String(seen.refused).padStart(8)} ${String(reached).padStart(8)}`,
  );
}
console.log(`\nphase      calls    ok  failed  refused  reached the service\n${rows.join('\n')}`);
client.close();
await service.close();
await upstream.close();
