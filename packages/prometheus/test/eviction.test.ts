// Breakers the registry drops, deleted or evicted past maxBreakers, leave the scrape: no series
// grows forever with names that come and go.

import { settle, testClock, testRegistry, trip } from '@tripswitch/test-breakers';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectBreakerMetrics } from '../src/index.ts';
import type { Family } from './exposition.ts';
import { breakerFamilies } from './families.ts';
import { serveMetrics } from './serve-metrics.ts';

/** The breaker names that appear in any series of the scrape. */
function namesIn(metrics: Map<string, Family>): string[] {
  const names = new Set<string>();
  for (const { samples } of metrics.values()) {
    for (const { labels } of samples) if (labels.name !== undefined) names.add(labels.name);
  }
  return [...names].sort();
}

/** The metric families in which a breaker named `name` has a series. */
function familiesWith(metrics: Map<string, Family>, name: string): string[] {
  return [...metrics]
    .filter(([, { samples }]) => samples.some(({ labels }) => labels.name === name))
    .map(([family]) => family)
    .sort();
}

describe('breakers that leave the registry', () => {
  it('take every series with them, evicted or deleted', async () => {
    const clock = testClock();
    const registry = testRegistry(clock, { maxBreakers: 3 });
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const endpoint = await serveMetrics(register);
    // "old" has a series in every metric: calls, a transition, a duration, an open-since time.
    const old = registry.get('old');
    settle(old, 1, 'success', { clock, durationMs: 5 });
    trip(old);
    old.reset();
    old.isolate();
    registry.get('kept');
    let metrics = await endpoint.scrape();
    expect(familiesWith(metrics, 'old')).toEqual(breakerFamilies);

    // Two new breakers: the least recently used closed ones go first.
    old.reset();
    trip(registry.get('new-1'));
    registry.get('kept');
    registry.get('new-2');
    expect(registry.has('old')).toBe(false);
    expect(registry.size).toBe(3);
    metrics = await endpoint.scrape();
    expect(namesIn(metrics)).toEqual(['kept', 'new-1', 'new-2']);

    registry.delete('new-1');
    metrics = await endpoint.scrape();
    expect(namesIn(metrics)).toEqual(['kept', 'new-2']);
  });

  it('stay gone when the name comes back: the new breaker starts from zero', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    collectBreakerMetrics(registry, { register, buckets: [1] });
    const endpoint = await serveMetrics(register);
    settle(registry.get('api'), 3, 'success', { clock, durationMs: 5 });
    await endpoint.scrape();
    registry.delete('api');
    await endpoint.scrape();
    registry.get('api');
    const metrics = await endpoint.scrape();
    const samples = metrics.get('circuit_breaker_call_duration_seconds')?.samples ?? [];
    expect(samples.filter(({ name }) => name.endsWith('_count'))).toEqual([
      { name: 'circuit_breaker_call_duration_seconds_count', labels: { name: 'api' }, value: 0 },
    ]);
  });

  it('leave only the breakers the registry holds after a thousand names came and went', async () => {
    const clock = testClock();
    const registry = testRegistry(clock, { maxBreakers: 2 });
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    // A thousand names, each with a transition and a duration, and no scrape until the end.
    for (let i = 0; i < 1_000; i++) {
      const breaker = registry.get(`path-${i}`);
      settle(breaker, 1, 'success', { clock, durationMs: 1 });
      breaker.isolate();
      breaker.reset();
    }
    const metrics = await (await serveMetrics(register)).scrape();
    expect(namesIn(metrics)).toEqual(['path-998', 'path-999']);
  });

  it('count the breakers built and not kept, when every breaker held is open', async () => {
    const clock = testClock();
    const registry = testRegistry(clock, { maxBreakers: 2 });
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const endpoint = await serveMetrics(register);
    const overflows = async () =>
      (await endpoint.scrape())
        .get('circuit_breaker_registry_overflows_total')
        ?.samples.map(({ labels, value }) => ({ labels, value }));
    expect(await overflows()).toEqual([{ labels: {}, value: 0 }]);
    trip(registry.get('a'));
    trip(registry.get('b'));
    // Nothing may be evicted: each new name gets a breaker that is not kept.
    for (const name of ['c', 'd', 'e']) registry.get(name);
    expect(registry.overflows).toBe(3);
    expect(await overflows()).toEqual([{ labels: {}, value: 3 }]);
    expect(namesIn(await endpoint.scrape())).toEqual(['a', 'b']);
  });
});
