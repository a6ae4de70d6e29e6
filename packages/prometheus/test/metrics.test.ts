// Every metric, scraped over HTTP from prom-client's real registry and parsed from the text
// format, with breakers driven through permits on a hand-moved clock.
import { CircuitBreaker, CircuitTimeoutError } from '@tripswitch/core';
import { settle, testClock, testRegistry, trip } from '@tripswitch/test-breakers';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectBreakerMetrics } from '../src/index.ts';
import { samples, sampleValue } from './exposition.ts';
import { serveMetrics } from './serve-metrics.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('state', () => {
  it('exposes each state one-hot and as a code, for every breaker', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    registry.get('closed');
    trip(registry.get('open'));
    const halfOpen = registry.get('half-open');
    trip(halfOpen);
    registry.get('forced-open').isolate();
    registry.get('disabled').disable();
    clock.advance(10_000);
    const trial = halfOpen.tryAcquire(); // the open period is over: this call is a trial
    expect(halfOpen.state).toBe('half-open');

    const metrics = await (await serveMetrics(register)).scrape();

    expect(metrics.get('circuit_breaker_state')?.type).toBe('gauge');
    const states = ['closed', 'open', 'half-open', 'disabled', 'forced-open'];
    for (const [code, state] of states.entries()) {
      for (const label of states) {
        expect(sampleValue(metrics, 'circuit_breaker_state', { name: state, state: label })).toBe(
          label === state ? 1 : 0,
        );
      }
      expect(sampleValue(metrics, 'circuit_breaker_state_code', { name: state })).toBe(code);
    }
    expect(samples(metrics, 'circuit_breaker_state')).toHaveLength(25);
    expect(samples(metrics, 'circuit_breaker_state_code')).toHaveLength(5);
    trial?.success();
  });

  it('tells since when a circuit is out of closed, and forgets it when it closes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    const breaker = registry.get('payments');
    // Already open when the collector starts: first seen at the first scrape.
    const early = registry.get('early');
    trip(early);
    collectBreakerMetrics(registry, { register });
    const endpoint = await serveMetrics(register);

    vi.setSystemTime(1_700_000_060_000);
    trip(breaker);
    vi.setSystemTime(1_700_000_090_000);
    let metrics = await endpoint.scrape();
    const since = 'circuit_breaker_open_since_timestamp_seconds';
    expect(metrics.get(since)?.type).toBe('gauge');
    expect(sampleValue(metrics, since, { name: 'payments' })).toBe(1_700_000_060);
    expect(sampleValue(metrics, since, { name: 'early' })).toBe(1_700_000_090);

    // Open, then half-open, then open again: still out since the same moment.
    clock.advance(10_000);
    settle(breaker, 1, 'failure');
    expect(breaker.state).toBe('open');
    vi.setSystemTime(1_700_000_120_000);
    metrics = await endpoint.scrape();
    expect(sampleValue(metrics, since, { name: 'payments' })).toBe(1_700_000_060);
    expect(sampleValue(metrics, since, { name: 'early' })).toBe(1_700_000_090);

    clock.advance(20_000);
    settle(breaker, 1, 'success');
    early.reset();
    expect(breaker.state).toBe('closed');
    metrics = await endpoint.scrape();
    expect(samples(metrics, since)).toEqual([]);

    vi.setSystemTime(1_700_000_200_000);
    early.isolate();
    vi.setSystemTime(1_700_000_230_000);
    metrics = await endpoint.scrape();
    expect(sampleValue(metrics, since, { name: 'early' })).toBe(1_700_000_200);
  });
});

describe('calls', () => {
  it('counts each call once, by result, with timeouts apart from other failures', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const breaker = registry.get('inventory');
    settle(breaker, 3, 'success');
    settle(breaker, 1, 'failure');
    settle(breaker, 2, 'ignore');
    // Cancelled by its caller before it was admitted: a result of its own, not `ignored`.
    const cancelled = breaker.execute(() => 1, { signal: AbortSignal.abort() });
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    // A timeout: the core's own timer aborts the call.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const timedOut = registry.get('slow', { timeoutMs: 50 });
    const call = timedOut.execute(() => new Promise(() => {}));
    vi.advanceTimersByTime(50);
    await expect(call).rejects.toBeInstanceOf(CircuitTimeoutError);
    vi.useRealTimers();
    settle(timedOut, 1, 'failure');
    settle(breaker, 1, 'failure'); // 2 of 4: opens
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.tryAcquire()).toBeNull();

    const metrics = await (await serveMetrics(register)).scrape();

    expect(metrics.get('circuit_breaker_calls_total')?.type).toBe('counter');
    const calls = (name: string, result: string) =>
      sampleValue(metrics, 'circuit_breaker_calls_total', { name, result });
    expect([
      calls('inventory', 'success'),
      calls('inventory', 'failure'),
      calls('inventory', 'timeout'),
      calls('inventory', 'ignored'),
      calls('inventory', 'rejected'),
      calls('inventory', 'cancelled'),
    ]).toEqual([3, 2, 0, 2, 2, 1]);
    expect([calls('slow', 'failure'), calls('slow', 'timeout'), calls('slow', 'success')]).toEqual([
      1, 1, 0,
    ]);
    expect(timedOut.stats().totals).toMatchObject({ failures: 2, timeouts: 1 });
    expect(samples(metrics, 'circuit_breaker_calls_total')).toHaveLength(12);
  });

  it('counts slow calls and fallbacks', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const breaker = registry.get('search', {
      slowCallDurationMs: 100,
      window: { type: 'count', size: 10 },
      minimumCalls: 10,
    });
    settle(breaker, 2, 'success', { clock, durationMs: 150 });
    settle(breaker, 1, 'success', { clock, durationMs: 10 });
    const withFallback = new CircuitBreaker({ name: 'unused' }); // not in the registry: not exposed
    settle(withFallback, 1, 'success');
    const cached = registry.get('cached', { fallback: () => 'cached' });
    await expect(
      cached.execute(() => {
        throw new Error('down');
      }),
    ).resolves.toBe('cached');

    const metrics = await (await serveMetrics(register)).scrape();

    expect(sampleValue(metrics, 'circuit_breaker_slow_calls_total', { name: 'search' })).toBe(2);
    expect(sampleValue(metrics, 'circuit_breaker_slow_calls_total', { name: 'cached' })).toBe(0);
    expect(sampleValue(metrics, 'circuit_breaker_fallbacks_total', { name: 'cached' })).toBe(1);
    expect(sampleValue(metrics, 'circuit_breaker_fallbacks_total', { name: 'search' })).toBe(0);
    expect(samples(metrics, 'circuit_breaker_state', { name: 'unused' })).toEqual([]);
  });

  it('gives the failure and slow-call rates of the window as ratios', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const breaker = registry.get('orders', {
      slowCallDurationMs: 100,
      window: { type: 'count', size: 8 },
      minimumCalls: 8,
    });
    settle(breaker, 3, 'success', { clock, durationMs: 10 });
    settle(breaker, 1, 'success', { clock, durationMs: 200 });
    settle(breaker, 1, 'failure', { clock, durationMs: 10 });
    registry.get('idle');

    const metrics = await (await serveMetrics(register)).scrape();

    expect(metrics.get('circuit_breaker_failure_rate')?.type).toBe('gauge');
    expect(sampleValue(metrics, 'circuit_breaker_failure_rate', { name: 'orders' })).toBeCloseTo(
      0.2,
    );
    expect(sampleValue(metrics, 'circuit_breaker_slow_call_rate', { name: 'orders' })).toBeCloseTo(
      0.2,
    );
    expect(sampleValue(metrics, 'circuit_breaker_failure_rate', { name: 'idle' })).toBe(0);
    expect(sampleValue(metrics, 'circuit_breaker_slow_call_rate', { name: 'idle' })).toBe(0);
  });
});

describe('transitions', () => {
  it('counts every transition by from, to and reason, from the moment it starts', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const before = registry.get('before');
    trip(before); // not counted: the collector is not there yet
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const breaker = registry.get('payments');
    trip(breaker);
    clock.advance(10_000);
    settle(breaker, 1, 'failure'); // the trial fails
    clock.advance(10_000);
    settle(breaker, 1, 'success'); // the trial succeeds
    trip(breaker);
    breaker.isolate();
    breaker.reset();

    const metrics = await (await serveMetrics(register)).scrape();

    const name = 'circuit_breaker_state_transitions_total';
    expect(metrics.get(name)?.type).toBe('counter');
    const transitions = samples(metrics, name, { name: 'payments' })
      .map(({ labels, value }) => `${labels.from} -> ${labels.to} (${labels.reason}) ${value}`)
      .sort();
    expect(transitions).toEqual([
      'closed -> open (failure-rate) 2',
      'forced-open -> closed (reset) 1',
      'half-open -> closed (trials-succeeded) 1',
      'half-open -> open (trial-failed) 1',
      'open -> forced-open (isolate) 1',
      'open -> half-open (open-duration-elapsed) 2',
    ]);
    expect(samples(metrics, name, { name: 'before' })).toEqual([]);
  });
});

describe('durations', () => {
  it('puts the duration of successes and failures in the buckets, in seconds', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    collectBreakerMetrics(registry, { register, buckets: [0.1, 0.5, 2] });
    const breaker = registry.get('pricing', { window: { type: 'count', size: 100 } });
    settle(breaker, 1, 'success', { clock, durationMs: 50 });
    settle(breaker, 2, 'success', { clock, durationMs: 300 });
    settle(breaker, 1, 'failure', { clock, durationMs: 1_000 });
    settle(breaker, 1, 'ignore', { clock, durationMs: 5_000 }); // not a success nor a failure
    settle(breaker, 1, 'failure', { clock, durationMs: 3_000 });
    registry.get('idle');

    const metrics = await (await serveMetrics(register)).scrape();

    const name = 'circuit_breaker_call_duration_seconds';
    expect(metrics.get(name)?.type).toBe('histogram');
    const bucket = (le: string) =>
      sampleValue(metrics, name, { name: 'pricing', le }, `${name}_bucket`);
    expect([bucket('0.1'), bucket('0.5'), bucket('2'), bucket('+Inf')]).toEqual([1, 3, 4, 5]);
    expect(sampleValue(metrics, name, { name: 'pricing' }, `${name}_count`)).toBe(5);
    expect(sampleValue(metrics, name, { name: 'pricing' }, `${name}_sum`)).toBeCloseTo(4.65);
    // Every breaker has its series, empty until its first call.
    expect(sampleValue(metrics, name, { name: 'idle' }, `${name}_count`)).toBe(0);
    expect(sampleValue(metrics, name, { name: 'idle', le: '+Inf' }, `${name}_bucket`)).toBe(0);
  });

  it('uses the default buckets when none are given', async () => {
    const registry = testRegistry(testClock());
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    registry.get('a');
    const metrics = await (await serveMetrics(register)).scrape();
    const bounds = samples(
      metrics,
      'circuit_breaker_call_duration_seconds',
      { name: 'a' },
      'circuit_breaker_call_duration_seconds_bucket',
    ).map(({ labels }) => labels.le);
    expect(bounds).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
  });

  it('with buckets: false, has no histogram and leaves the calls without clock reads', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const register = new Registry();
    const breaker = registry.get('hot');
    const stop = collectBreakerMetrics(registry, { register, buckets: false });
    settle(breaker, 10, 'success');
    expect(clock.reads).toBe(0);
    const metrics = await (await serveMetrics(register)).scrape();
    expect(metrics.has('circuit_breaker_call_duration_seconds')).toBe(false);
    expect(
      sampleValue(metrics, 'circuit_breaker_calls_total', { name: 'hot', result: 'success' }),
    ).toBe(10);
    stop();

    // The cost the histogram has: a clock read when each call starts and when it ends.
    collectBreakerMetrics(registry, { register });
    clock.reads = 0;
    settle(breaker, 10, 'success');
    expect(clock.reads).toBe(20);
  });
});

describe('the endpoint', () => {
  it("serves prom-client's content type, and names that need escaping round-trip", async () => {
    const registry = testRegistry(testClock());
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const odd = 'GET /items/"42"\\n\nnext';
    registry.get(odd);
    const endpoint = await serveMetrics(register);
    const { contentType } = await endpoint.fetch();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const metrics = await endpoint.scrape();
    expect(sampleValue(metrics, 'circuit_breaker_state', { name: odd, state: 'closed' })).toBe(1);
  });

  it('reads each breaker once per scrape, whatever the number of metrics', async () => {
    const registry = testRegistry(testClock());
    const register = new Registry();
    collectBreakerMetrics(registry, { register });
    const breakers = ['a', 'b', 'c'].map((name) => registry.get(name));
    const reads = breakers.map((breaker) => vi.spyOn(breaker, 'stats'));
    const endpoint = await serveMetrics(register);
    await endpoint.scrape();
    expect(reads.map((read) => read.mock.calls.length)).toEqual([1, 1, 1]);
    await endpoint.scrape();
    expect(reads.map((read) => read.mock.calls.length)).toEqual([2, 2, 2]);
  });
});
