// Breaker names can come from request input, as long as a request line allows: the `name` label
// is cut to maxNameLength, so a scrape stays small however long the names, and each breaker
// keeps a label of its own, the same in every metric.

import { settle, testClock, testRegistry, trip } from '@tripswitch/test-breakers';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectBreakerMetrics } from '../src/index.ts';
import { type Family, parseExposition, samples, sampleValue } from './exposition.ts';
import { breakerFamilies } from './families.ts';
import { serveMetrics } from './serve-metrics.ts';

const cutLabel = /^[\s\S]*\u2026[0-9a-f]{16}$/;

/** A 16 KiB name, as a path segment could make it: all alike but for the last digits. */
function longName(i: number): string {
  return `/tenants/${'x'.repeat(16_384 - 9 - 6)}${String(i).padStart(6, '0')}`;
}

/** Every value of the `name` label in the scrape, by metric family. */
function labelsByFamily(metrics: Map<string, Family>): Map<string, Set<string>> {
  const byFamily = new Map<string, Set<string>>();
  for (const [family, { samples }] of metrics) {
    for (const { labels } of samples) {
      if (labels.name === undefined) continue;
      const names = byFamily.get(family) ?? new Set();
      names.add(labels.name);
      byFamily.set(family, names);
    }
  }
  return byFamily;
}

describe('long breaker names', () => {
  it('keep the scrape small, each breaker with a label of its own, the same in every metric', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const count = 100;
    // Breaker i has i successes, and the odd ones are tripped open: every metric has series, and
    // a label's count of successes tells which breaker it stands for.
    const breakers = Array.from({ length: count }, (_, i) => {
      const breaker = registry.get(longName(i));
      settle(breaker, i, 'success', { clock, durationMs: 5 });
      if (i % 2 === 1) trip(breaker);
      return breaker;
    });

    const { body } = await (await serveMetrics(register)).fetch();
    const metrics = parseExposition(body);

    // With whole names, some 30 series of 100 names of 16 KiB would be about 50 MB.
    expect(body.length).toBeLessThan(1_000_000);
    const byFamily = labelsByFamily(metrics);
    const labels = byFamily.get('circuit_breaker_state_code') ?? new Set();
    expect(labels.size).toBe(count);
    for (const label of labels) {
      expect(label).toHaveLength(120);
      expect(label).toMatch(cutLabel);
      expect(label.startsWith('/tenants/xxx')).toBe(true);
    }
    for (const [family, names] of byFamily) {
      for (const name of names) expect(name.length, family).toBeLessThanOrEqual(120);
      const everyBreaker = !/open_since|transitions/.test(family);
      if (everyBreaker) expect(names, family).toEqual(labels);
      else
        expect(
          [...names].every((name) => labels.has(name)),
          family,
        ).toBe(true);
    }
    expect([...byFamily.keys()].sort()).toEqual(breakerFamilies);

    // One breaker's series all carry its label: what each metric says of a label is what
    // breaker i did, and every i from 0 to 99 is there once.
    const seen: number[] = [];
    const duration = 'circuit_breaker_call_duration_seconds';
    for (const name of labels) {
      const i = sampleValue(metrics, 'circuit_breaker_calls_total', { name, result: 'success' });
      seen.push(i);
      const { state, totals, failureRate } = (breakers[i] as (typeof breakers)[number]).stats();
      const tripped = i % 2 === 1;
      expect(state).toBe(tripped ? 'open' : 'closed');
      expect(sampleValue(metrics, 'circuit_breaker_calls_total', { name, result: 'failure' })).toBe(
        totals.failures,
      );
      expect(sampleValue(metrics, duration, { name }, `${duration}_count`)).toBe(
        i + totals.failures,
      );
      expect(sampleValue(metrics, 'circuit_breaker_state_code', { name })).toBe(tripped ? 1 : 0);
      expect(sampleValue(metrics, 'circuit_breaker_state', { name, state: 'open' })).toBe(
        tripped ? 1 : 0,
      );
      expect(
        samples(metrics, 'circuit_breaker_open_since_timestamp_seconds', { name }),
      ).toHaveLength(tripped ? 1 : 0);
      expect(
        samples(metrics, 'circuit_breaker_state_transitions_total', { name, to: 'open' }),
      ).toHaveLength(tripped ? 1 : 0);
      expect(sampleValue(metrics, 'circuit_breaker_failure_rate', { name })).toBeCloseTo(
        failureRate / 100,
      );
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('are left as they are up to maxNameLength, and cut from one unit over', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    collectBreakerMetrics(registry, { register, maxNameLength: 32 });
    const atLimit = 'a'.repeat(32);
    const over = 'b'.repeat(33);
    trip(registry.get(atLimit));
    trip(registry.get(over));

    const metrics = await (await serveMetrics(register)).scrape();
    const labels = labelsByFamily(metrics);
    const cut = [...(labels.get('circuit_breaker_state') ?? [])].find((name) => name !== atLimit);
    expect(cut).toMatch(/^b{15}\u2026[0-9a-f]{16}$/);
    for (const [family, names] of labels) expect([...names].sort(), family).toEqual([atLimit, cut]);
  });

  it('leave the scrape with every series when the registry drops them', async () => {
    const clock = testClock();
    const registry = testRegistry(clock, { maxBreakers: 2 });
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const endpoint = await serveMetrics(register);
    // A thousand long names come and go, each with a duration and a transition.
    for (let i = 0; i < 1_000; i++) {
      const breaker = registry.get(longName(i));
      settle(breaker, 1, 'success', { clock, durationMs: 1 });
      breaker.isolate();
      breaker.reset();
      if (i % 100 === 0) await endpoint.scrape();
    }
    const metrics = await endpoint.scrape();
    for (const [family, names] of labelsByFamily(metrics)) {
      expect(names.size, family).toBe(2);
    }
  });
});
