// A breaker leaves nothing behind: a script that only creates and uses breakers — timeouts,
// bulkhead queues, open circuits and listeners included — exits by itself, with no timer or
// pending promise holding the event loop open and no unhandled rejection.
import { expect, it } from 'vitest';
import { coreEntry, runModuleScript } from './support/run-module-script.ts';

const script = `
import { BreakerRegistry, CircuitBreaker } from ${JSON.stringify(coreEntry)};
process.on('unhandledRejection', (error) => { console.error('unhandled', error); process.exit(3); });

const breaker = new CircuitBreaker({
  timeoutMs: 60_000,                       // a long timeout that must be cleared, not waited for
  bulkhead: { maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 60_000 },
  consecutiveFailures: 2,
  openDurationMs: 60_000,
});
breaker.on('stateChange', () => {});
const quick = () => new Promise((resolve) => setImmediate(() => resolve('ok')));
await Promise.all([breaker.execute(quick), breaker.execute(quick), breaker.execute(quick)]);
await breaker.execute(() => Promise.reject(new Error('a'))).catch(() => {});
await breaker.execute(() => Promise.reject(new Error('b'))).catch(() => {});
await breaker.execute(quick).catch(() => {});   // refused: the circuit is open for a minute
const aborted = new AbortController();
const call = breaker.execute(() => new Promise(() => {}), { signal: aborted.signal }).catch(() => {});
aborted.abort();
await call;

const registry = new BreakerRegistry({ defaults: { timeoutMs: 30_000 } });
for (let i = 0; i < 100; i++) await registry.get('dep-' + i).execute(quick);
registry.get('dep-1').tryAcquire()?.success();
console.log('done', breaker.state, registry.size);
`;

it('lets a process that only uses breakers exit by itself', async () => {
  // If a leaked timer keeps it alive, the test hits its hang limit.
  const { output, code } = await runModuleScript(script);
  expect(output.trim()).toBe('done open 100');
  expect(code).toBe(0);
});
