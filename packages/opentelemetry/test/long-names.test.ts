// Breaker names can come from request input, as long as a request line allows: the
// circuit_breaker.name attribute is cut to maxNameLength, so what a collection exports stays
// small however long the names, and each breaker keeps a value of its own on every instrument.

import { settle, testClock, testRegistry, trip } from '@tripswitch/test-breakers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { instrumentBreakers } from '../src/index.ts';
import { type Collected, manualMeterProvider, pointsOf, pointValue } from './collect.ts';

const name = 'circuit_breaker.name';
const result = 'circuit_breaker.call.result';

afterEach(() => {
  vi.useRealTimers();
});

/** A 16 KiB name, as a path segment could make it: all alike but for the last digits. */
function longName(i: number): string {
  return `/tenants/${'x'.repeat(16_384 - 9 - 6)}${String(i).padStart(6, '0')}`;
}

/** Every value of circuit_breaker.name collected, by instrument. */
function namesByInstrument(collected: Map<string, Collected>): Map<string, Set<string>> {
  const byInstrument = new Map<string, Set<string>>();
  for (const [instrument, { points }] of collected) {
    for (const { attributes } of points) {
      const value = attributes[name];
      if (value === undefined) continue;
      const names = byInstrument.get(instrument) ?? new Set();
      names.add(String(value));
      byInstrument.set(instrument, names);
    }
  }
  return byInstrument;
}

describe('long breaker names', () => {
  it('keep what is collected small, each breaker with a value of its own on every instrument', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider });
    const count = 100;
    // Breaker i has i successes, and the odd ones are tripped open: every instrument has points,
    // and a value's count of successes tells which breaker it stands for.
    const breakers = Array.from({ length: count }, (_, i) => {
      const breaker = registry.get(longName(i));
      settle(breaker, i, 'success', { clock, durationMs: 5 });
      if (i % 2 === 1) trip(breaker);
      return breaker;
    });

    const collected = await collect();

    // With whole names, the 17 or so points of each of 100 names of 16 KiB would be near 30 MB.
    expect(JSON.stringify([...collected]).length).toBeLessThan(1_000_000);
    const byInstrument = namesByInstrument(collected);
    const names = byInstrument.get('circuit_breaker.state') ?? new Set();
    expect(names.size).toBe(count);
    for (const value of names) {
      expect(value).toHaveLength(120);
      expect(value).toMatch(/^\/tenants\/x+\u2026[0-9a-f]{16}$/);
    }
    expect([...byInstrument.keys()].sort()).toEqual([
      'circuit_breaker.call.duration',
      'circuit_breaker.calls',
      'circuit_breaker.failure_rate',
      'circuit_breaker.fallbacks',
      'circuit_breaker.slow_call_rate',
      'circuit_breaker.slow_calls',
      'circuit_breaker.state',
      'circuit_breaker.state_transitions',
    ]);
    for (const [instrument, values] of byInstrument) {
      for (const value of values) expect(value.length, instrument).toBeLessThanOrEqual(120);
      if (instrument === 'circuit_breaker.state_transitions') {
        expect(
          [...values].every((value) => names.has(value)),
          instrument,
        ).toBe(true);
      } else {
        // Breaker 0 made no call: it has no duration.
        expect(values.size, instrument).toBe(instrument.endsWith('duration') ? count - 1 : count);
        expect(
          [...values].every((value) => names.has(value)),
          instrument,
        ).toBe(true);
      }
    }

    // One breaker's points all carry its value: what each instrument says of a value is what
    // breaker i did, and every i from 0 to 99 is there once.
    const seen: number[] = [];
    for (const label of names) {
      const i = pointValue(collected, 'circuit_breaker.calls', {
        [name]: label,
        [result]: 'success',
      }) as number;
      seen.push(i);
      const { state, totals, failureRate } = (breakers[i] as (typeof breakers)[number]).stats();
      const tripped = i % 2 === 1;
      expect(state).toBe(tripped ? 'open' : 'closed');
      expect(
        pointValue(collected, 'circuit_breaker.calls', { [name]: label, [result]: 'failure' }),
      ).toBe(totals.failures);
      const durations = pointsOf(collected, 'circuit_breaker.call.duration', { [name]: label });
      expect(durations.map(({ value }) => (value as { count: number }).count)).toEqual(
        i + totals.failures === 0 ? [] : [i + totals.failures],
      );
      expect(
        pointValue(collected, 'circuit_breaker.state', {
          [name]: label,
          'circuit_breaker.state': 'open',
        }),
      ).toBe(tripped ? 1 : 0);
      expect(
        pointsOf(collected, 'circuit_breaker.state_transitions', {
          [name]: label,
          'circuit_breaker.state': 'open',
        }),
      ).toHaveLength(tripped ? 1 : 0);
      expect(pointValue(collected, 'circuit_breaker.failure_rate', { [name]: label })).toBeCloseTo(
        failureRate / 100,
      );
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('are left as they are up to maxNameLength, and cut from one unit over', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider, maxNameLength: 32 });
    const atLimit = 'a'.repeat(32);
    const over = 'b'.repeat(33);
    for (const breakerName of [atLimit, over]) {
      const breaker = registry.get(breakerName);
      settle(breaker, 1, 'success', { clock, durationMs: 5 });
      trip(breaker);
    }

    const byInstrument = namesByInstrument(await collect());
    const cut = [...(byInstrument.get('circuit_breaker.state') ?? [])].find(
      (value) => value !== atLimit,
    );
    expect(cut).toMatch(/^b{15}\u2026[0-9a-f]{16}$/);
    expect(byInstrument.size).toBe(8);
    for (const [instrument, values] of byInstrument) {
      expect([...values].sort(), instrument).toEqual([atLimit, cut]);
    }
  });

  it("report a departed breaker's zeros under the value it had", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const registry = testRegistry(testClock());
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider, buckets: false });
    trip(registry.get(longName(1)));
    const before = [...(namesByInstrument(await collect()).get('circuit_breaker.state') ?? [])];
    expect(before).toHaveLength(1);
    registry.delete(longName(1));
    const collected = await collect();
    expect(
      pointValue(collected, 'circuit_breaker.state', {
        [name]: before[0] as string,
        'circuit_breaker.state': 'open',
      }),
    ).toBe(0);
  });
});
