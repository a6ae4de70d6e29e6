// A soak: four processes — two with ioredis, two with node-redis — call through one shared
// breaker at a few thousand calls per second for 30 s, and the totals in Redis equal what they
// recorded: no count is lost, none is counted twice, and it took one round trip per flush, not
// one per call.
import { afterAll, expect, inject, it } from 'vitest';
import { adminClient } from './support/admin.ts';
import { type Member, startFleet } from './support/fleet.ts';
import type { SoakTotals } from './support/member-protocol.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());

const durationMs = 30_000;
const prefix = 'soak:';
const name = 'soak';

async function scriptCalls(): Promise<number> {
  const stats = await admin.info('commandstats');
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm))
    calls += Number(match[1]);
  return calls;
}

it('loses no count across 4 processes over 30 s', { timeout: 90_000 }, async () => {
  const store = { prefix, windowMs: 60_000, bucketMs: 1_000 };
  const members: Member[] = [
    ...(await startFleet(2, { kind: 'ioredis 6', url, store })),
    ...(await startFleet(2, { kind: 'node-redis 6', url, store })),
  ];
  try {
    const options = { slowCallDurationMs: 100, window: { type: 'count', size: 100 } } as const;
    await Promise.all(members.map((m) => m.request({ op: 'breaker', name, options })));
    const scriptsBefore = await scriptCalls();
    const started = performance.now();
    const sent = await Promise.all(
      members.map((m) =>
        m.request<SoakTotals>({ op: 'soak', name, durationMs, callsPerTick: 10, tickMs: 10 }),
      ),
    );
    const seconds = (performance.now() - started) / 1_000;
    const scripts = (await scriptCalls()) - scriptsBefore;

    const total = sent.reduce(
      (sum, t) => ({
        calls: sum.calls + t.calls,
        failures: sum.failures + t.failures,
        slowCalls: sum.slowCalls + t.slowCalls,
        rejected: sum.rejected + t.rejected,
        errors: sum.errors + t.errors,
      }),
      { calls: 0, failures: 0, slowCalls: 0, rejected: 0, errors: 0 },
    );
    const stored = { calls: 0, failures: 0, slowCalls: 0 };
    // The counts live in the state hash, one `b<slot>` field per bucket: `index:calls:failures:slow`.
    const hash = await admin.hgetall(`${prefix}{${name}}:state`);
    for (const [field, value] of Object.entries(hash)) {
      if (!/^b\d+$/.test(field)) continue;
      const [, c, f, s] = value.split(':').map(Number);
      stored.calls += c ?? 0;
      stored.failures += f ?? 0;
      stored.slowCalls += s ?? 0;
    }
    console.info(
      `[soak] ${total.calls} calls in ${seconds.toFixed(1)} s (${Math.round(total.calls / seconds)}/s ` +
        `across 4 processes): Redis counted ${stored.calls} calls, ${stored.failures} failures, ` +
        `${stored.slowCalls} slow, in ${scripts} script calls`,
    );
    expect(total.errors).toBe(0);
    expect(total.rejected).toBe(0);
    expect(total.calls).toBeGreaterThan(0);
    expect(stored).toEqual({
      calls: total.calls,
      failures: total.failures,
      slowCalls: total.slowCalls,
    });
    // Batched: one round trip per flush interval and process, not one per call.
    expect(scripts).toBeLessThan(total.calls / 50);
  } finally {
    await Promise.all(members.map((m) => m.close()));
  }
});
