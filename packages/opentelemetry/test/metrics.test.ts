// The instruments, collected from OpenTelemetry's real metrics SDK with a reader the test
// collects by hand, while breakers run on a hand-moved clock.

import { settle, testClock, testRegistry, trip } from '@tripswitch/test-breakers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { instrumentBreakers } from '../src/index.ts';
import { manualMeterProvider, pointsOf, pointValue } from './collect.ts';

const name = 'circuit_breaker.name';

afterEach(() => {
  vi.useRealTimers();
});

describe('instruments', () => {
  it('follow the semantic conventions: dotted names, UCUM units, namespaced attributes', async () => {
    const registry = testRegistry(testClock());
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider });
    const breaker = registry.get('payments');
    trip(breaker);
    const collected = await collect();

    const kinds = [...collected].map(
      ([instrument, { unit, type }]) => `${instrument} ${type} ${unit}`,
    );
    expect(kinds.sort()).toEqual([
      'circuit_breaker.call.duration HISTOGRAM s',
      'circuit_breaker.calls SUM monotonic {call}',
      'circuit_breaker.failure_rate GAUGE 1',
      'circuit_breaker.fallbacks SUM monotonic {fallback}',
      'circuit_breaker.registry.overflows SUM monotonic {circuit_breaker}',
      'circuit_breaker.slow_call_rate GAUGE 1',
      'circuit_breaker.slow_calls SUM monotonic {call}',
      'circuit_breaker.state SUM up-down {circuit_breaker}',
      'circuit_breaker.state_transitions SUM monotonic {transition}',
    ]);
    for (const { description } of collected.values()) expect(description).not.toBe('');
    const keys = new Set(
      [...collected.values()].flatMap(({ points }) =>
        points.flatMap(({ attributes }) => Object.keys(attributes)),
      ),
    );
    expect([...keys].sort()).toEqual([
      'circuit_breaker.call.result',
      'circuit_breaker.name',
      'circuit_breaker.previous_state',
      'circuit_breaker.state',
      'circuit_breaker.transition.reason',
    ]);
  });

  it("count the registry's overflows: breakers built and not kept, their calls unguarded", async () => {
    const registry = testRegistry(testClock(), { maxBreakers: 1 });
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider });
    expect(pointValue(await collect(), 'circuit_breaker.registry.overflows', {})).toBe(0);
    trip(registry.get('open'));
    registry.get('new-1');
    registry.get('new-2');
    expect(pointValue(await collect(), 'circuit_breaker.registry.overflows', {})).toBe(2);
  });

  it('report every state of every breaker, 1 for the one it is in', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider });
    registry.get('closed');
    trip(registry.get('open'));
    const halfOpen = registry.get('half-open');
    trip(halfOpen);
    registry.get('forced-open').isolate();
    registry.get('disabled').disable();
    clock.advance(10_000);
    const trial = halfOpen.tryAcquire();
    expect(halfOpen.state).toBe('half-open');

    const collected = await collect();
    const states = ['closed', 'open', 'half_open', 'disabled', 'forced_open'];
    for (const breaker of ['closed', 'open', 'half-open', 'disabled', 'forced-open']) {
      const reported = states.map((state) =>
        pointValue(collected, 'circuit_breaker.state', {
          [name]: breaker,
          'circuit_breaker.state': state,
        }),
      );
      expect(reported).toEqual(
        states.map((state) => (state === breaker.replace('-', '_') ? 1 : 0)),
      );
    }
    expect(pointsOf(collected, 'circuit_breaker.state')).toHaveLength(25);
    trial?.success();
  });

  it('count each call once by result, with timeouts apart, and slow calls and fallbacks', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider });
    const breaker = registry.get('inventory', {
      slowCallDurationMs: 100,
      timeoutMs: 50,
      window: { type: 'count', size: 20 },
      minimumCalls: 20,
      fallback: () => 'cached',
    });
    settle(breaker, 3, 'success', { clock, durationMs: 10 });
    settle(breaker, 1, 'success', { clock, durationMs: 500 });
    settle(breaker, 2, 'failure', { clock, durationMs: 10 });
    settle(breaker, 1, 'ignore');
    // Cancelled by its caller before it was admitted: a result of its own, not `ignored`.
    const cancelled = breaker.execute(() => 1, { signal: AbortSignal.abort() });
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const call = breaker.execute(() => new Promise(() => {}));
    vi.advanceTimersByTime(50);
    await expect(call).resolves.toBe('cached');
    vi.useRealTimers();
    breaker.isolate();
    expect(breaker.tryAcquire()).toBeNull();

    const collected = await collect();
    const calls = (result: string) =>
      pointValue(collected, 'circuit_breaker.calls', {
        [name]: 'inventory',
        'circuit_breaker.call.result': result,
      });
    expect(
      ['success', 'failure', 'timeout', 'ignored', 'rejected', 'cancelled'].map(calls),
    ).toEqual([4, 2, 1, 1, 1, 1]);
    expect(pointValue(collected, 'circuit_breaker.slow_calls', { [name]: 'inventory' })).toBe(1);
    expect(pointValue(collected, 'circuit_breaker.fallbacks', { [name]: 'inventory' })).toBe(1);
    // The window: 4 successes (1 slow), 3 failures: 3/7 failed, 1/7 slow.
    expect(
      pointValue(collected, 'circuit_breaker.failure_rate', { [name]: 'inventory' }),
    ).toBeCloseTo(3 / 7);
    expect(
      pointValue(collected, 'circuit_breaker.slow_call_rate', { [name]: 'inventory' }),
    ).toBeCloseTo(1 / 7);
  });

  it('count transitions by previous state, state and reason, from the moment they start', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    trip(registry.get('before'));
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider });
    const breaker = registry.get('payments');
    trip(breaker);
    clock.advance(10_000);
    settle(breaker, 1, 'failure');
    clock.advance(10_000);
    settle(breaker, 1, 'success');

    const collected = await collect();
    const transitions = pointsOf(collected, 'circuit_breaker.state_transitions', {
      [name]: 'payments',
    })
      .map(
        ({ attributes, value }) =>
          `${attributes['circuit_breaker.previous_state']} -> ${attributes['circuit_breaker.state']} (${attributes['circuit_breaker.transition.reason']}) ${value}`,
      )
      .sort();
    expect(transitions).toEqual([
      'closed -> open (failure_rate) 1',
      'half_open -> closed (trials_succeeded) 1',
      'half_open -> open (trial_failed) 1',
      'open -> half_open (open_duration_elapsed) 2',
    ]);
    expect(pointsOf(collected, 'circuit_breaker.state_transitions', { [name]: 'before' })).toEqual(
      [],
    );
  });
});

describe('the duration histogram', () => {
  it('records successes and failures in seconds, in the buckets given', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider, buckets: [0.1, 0.5, 2] });
    const breaker = registry.get('pricing', { window: { type: 'count', size: 100 } });
    settle(breaker, 1, 'success', { clock, durationMs: 50 });
    settle(breaker, 2, 'success', { clock, durationMs: 300 });
    settle(breaker, 1, 'failure', { clock, durationMs: 1_000 });
    settle(breaker, 1, 'ignore', { clock, durationMs: 5_000 });
    settle(breaker, 1, 'failure', { clock, durationMs: 3_000 });

    const histogram = pointValue(await collect(), 'circuit_breaker.call.duration', {
      [name]: 'pricing',
    }) as { buckets: { boundaries: number[]; counts: number[] }; count: number; sum: number };
    expect(histogram.buckets).toEqual({ boundaries: [0.1, 0.5, 2], counts: [1, 2, 1, 1] });
    expect(histogram.count).toBe(5);
    expect(histogram.sum).toBeCloseTo(4.65);
  });

  it("advises the boundaries of OpenTelemetry's HTTP durations by default", async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider });
    settle(registry.get('a'), 1, 'success', { clock, durationMs: 1 });
    const histogram = pointValue(await collect(), 'circuit_breaker.call.duration', {
      [name]: 'a',
    }) as { buckets: { boundaries: number[] } };
    expect(histogram.buckets.boundaries).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);
  });

  it('with buckets: false, is left out, and calls go without clock reads', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const { meterProvider, collect } = manualMeterProvider();
    instrumentBreakers(registry, { meterProvider, buckets: false, spanEvents: false });
    settle(registry.get('hot'), 10, 'success');
    expect(clock.reads).toBe(0);
    const collected = await collect();
    expect(collected.has('circuit_breaker.call.duration')).toBe(false);
    expect(
      pointValue(collected, 'circuit_breaker.calls', {
        [name]: 'hot',
        'circuit_breaker.call.result': 'success',
      }),
    ).toBe(10);

    // The cost the histogram has: a clock read when each call starts and when it ends.
    instrumentBreakers(registry, { meterProvider: manualMeterProvider().meterProvider });
    clock.reads = 0;
    settle(registry.get('hot'), 10, 'success');
    expect(clock.reads).toBe(20);
  });
});
