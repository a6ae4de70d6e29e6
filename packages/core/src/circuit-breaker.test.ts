import { addAbortListener, getEventListeners, once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BreakerEventName, BreakerEvents } from './events.ts';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  CircuitTimeoutError,
  exponentialBackoff,
  isCircuitOpenError,
} from './index.ts';

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A breaker on a manual clock, with every event it emits recorded in order. */
function setup<F = never>(options: CircuitBreakerOptions<F> = {}) {
  const clock = manualClock();
  const breaker = new CircuitBreaker<F>({ clock, ...options });
  const events: Array<{ type: BreakerEventName } & Record<string, unknown>> = [];
  const names: BreakerEventName[] = [
    'stateChange',
    'success',
    'failure',
    'ignored',
    'rejected',
    'timeout',
    'slowCall',
    'fallback',
  ];
  for (const type of names) {
    breaker.on(type, (event) => events.push({ type, ...(event as object) }));
  }
  const transitions = () =>
    events.filter((e) => e.type === 'stateChange').map((e) => `${e.from}->${e.to}:${e.reason}`);
  return { clock, breaker, events, transitions };
}

const boom = new Error('boom');
const fail = () => Promise.reject(boom);
const ok = () => Promise.resolve('ok');

/** Settles `n` permits with the given outcome. */
function settle(breaker: CircuitBreaker<unknown>, n: number, outcome: 'success' | 'failure') {
  for (let i = 0; i < n; i++) {
    const permit = breaker.tryAcquire();
    if (!permit) throw new Error(`permit ${i} refused in state ${breaker.state}`);
    if (outcome === 'success') permit.success(1);
    else permit.failure(boom, 1);
  }
}

describe('closed', () => {
  it('passes calls through and returns their results', async () => {
    const { breaker } = setup();
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    await expect(breaker.execute(() => 42)).resolves.toBe(42);
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ calls: 2, failures: 0, totals: { successes: 2 } });
  });

  it('rethrows the error of a failing call and counts it', async () => {
    const { breaker } = setup();
    await expect(breaker.execute(fail)).rejects.toBe(boom);
    await expect(
      breaker.execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(breaker.stats()).toMatchObject({ calls: 2, failures: 2, consecutiveFailures: 2 });
  });

  it('counts, opens and refuses alike when the options carry no signal', async () => {
    const { breaker, events } = setup({ consecutiveFailures: 2 });
    const noSignal = [{}, { signal: undefined }];
    await expect(breaker.execute(() => 42, noSignal[0])).resolves.toBe(42);
    await expect(breaker.execute(fail, noSignal[1])).rejects.toBe(boom);
    await expect(
      breaker.execute(() => {
        throw boom;
      }, noSignal[0]),
    ).rejects.toBe(boom);
    expect(breaker.state).toBe('open');
    await expect(breaker.execute(ok, noSignal[1])).rejects.toBeInstanceOf(CircuitOpenError);
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 2, rejected: 1 },
    });
    expect(events.map(({ type }) => type)).toEqual([
      'success',
      'failure',
      'failure',
      'stateChange',
      'rejected',
    ]);
  });

  it('does not open before the window holds minimumCalls calls', () => {
    const { breaker } = setup({ minimumCalls: 5 });
    settle(breaker, 4, 'failure');
    expect(breaker.state).toBe('closed');
    settle(breaker, 1, 'failure');
    expect(breaker.state).toBe('open');
  });

  it('opens when the failure rate reaches the threshold (>=), even on a success', () => {
    const { breaker, transitions } = setup({ minimumCalls: 4, failureRateThreshold: 50 });
    settle(breaker, 2, 'failure');
    settle(breaker, 1, 'success');
    expect(breaker.state).toBe('closed');
    // 2 failures of 4 calls = 50 %: reaching the threshold opens, whatever the last outcome was.
    settle(breaker, 1, 'success');
    expect(breaker.state).toBe('open');
    expect(transitions()).toEqual(['closed->open:failure-rate']);
  });

  it('stays closed just below the threshold', () => {
    const { breaker } = setup({
      window: { type: 'count', size: 10 },
      minimumCalls: 10,
      failureRateThreshold: 50,
    });
    settle(breaker, 6, 'success');
    settle(breaker, 4, 'failure');
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().failureRate).toBe(40);
  });

  it('judges only the last `size` calls of a count window', () => {
    const { breaker } = setup({
      window: { type: 'count', size: 4 },
      minimumCalls: 4,
      failureRateThreshold: 75,
    });
    settle(breaker, 2, 'failure');
    settle(breaker, 4, 'success'); // pushes both failures out
    settle(breaker, 2, 'failure');
    expect(breaker.stats()).toMatchObject({ calls: 4, failures: 2 });
    expect(breaker.state).toBe('closed');
    settle(breaker, 1, 'failure');
    expect(breaker.state).toBe('open');
  });

  it('treats minimumCalls above a count window size as "when the window is full"', () => {
    const { breaker } = setup({ window: { type: 'count', size: 3 }, minimumCalls: 100 });
    settle(breaker, 2, 'failure');
    expect(breaker.state).toBe('closed');
    settle(breaker, 1, 'failure');
    expect(breaker.state).toBe('open');
  });

  it('forgets calls older than a time window', () => {
    const { breaker, clock } = setup({
      window: { type: 'time', durationMs: 10_000, buckets: 10 },
      minimumCalls: 4,
    });
    settle(breaker, 3, 'failure');
    clock.advance(10_000);
    expect(breaker.stats().calls).toBe(0);
    settle(breaker, 3, 'failure');
    expect(breaker.state).toBe('closed');
    settle(breaker, 1, 'failure');
    expect(breaker.state).toBe('open');
  });

  it('opens after consecutiveFailures failures in a row, whatever the rate', () => {
    const { breaker, transitions } = setup({ consecutiveFailures: 3, minimumCalls: 100 });
    settle(breaker, 2, 'failure');
    settle(breaker, 1, 'success');
    settle(breaker, 2, 'failure');
    expect(breaker.state).toBe('closed');
    settle(breaker, 1, 'failure');
    expect(breaker.state).toBe('open');
    expect(transitions()).toEqual(['closed->open:consecutive-failures']);
  });

  it('counts slow calls, successful or failed, and opens on the slow-call rate', () => {
    const { breaker, transitions, events } = setup({
      slowCallDurationMs: 100,
      slowCallRateThreshold: 50,
      minimumCalls: 4,
      failureRateThreshold: 100,
    });
    breaker.tryAcquire()?.success(99);
    breaker.tryAcquire()?.success(100);
    breaker.tryAcquire()?.success(5);
    expect(breaker.state).toBe('closed');
    breaker.tryAcquire()?.failure(boom, 250);
    expect(breaker.state).toBe('open');
    expect(transitions()).toEqual(['closed->open:slow-call-rate']);
    expect(events.filter((e) => e.type === 'slowCall')).toEqual([
      { type: 'slowCall', name: 'default', durationMs: 100, succeeded: true },
      { type: 'slowCall', name: 'default', durationMs: 250, succeeded: false },
    ]);
    expect(breaker.stats()).toMatchObject({ slowCalls: 2, slowCallRate: 50 });
  });

  it('measures call durations with the injected clock', async () => {
    const { breaker, clock, events } = setup({ slowCallDurationMs: 1_000 });
    await breaker.execute(async () => {
      clock.advance(1_500);
      return 'late';
    });
    expect(events.find((e) => e.type === 'success')).toMatchObject({ durationMs: 1_500 });
    expect(breaker.stats().slowCalls).toBe(1);
  });

  it('does not record refused calls in the window', async () => {
    const { breaker } = setup({ minimumCalls: 2 });
    settle(breaker, 2, 'failure');
    await expect(breaker.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(breaker.stats()).toMatchObject({ calls: 2, totals: { rejected: 1 } });
  });
});

describe('outcome rules', () => {
  it('ignores errors isFailure rejects: no window slot, no effect on consecutive failures', async () => {
    const notFound = new Error('not found');
    const { breaker, events } = setup({
      minimumCalls: 2,
      consecutiveFailures: 2,
      isFailure: (error) => error !== notFound,
    });
    await expect(breaker.execute(fail)).rejects.toBe(boom);
    await expect(breaker.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(breaker.stats()).toMatchObject({
      calls: 1,
      failures: 1,
      consecutiveFailures: 1,
      totals: { ignored: 1 },
    });
    expect(events.find((e) => e.type === 'ignored')).toMatchObject({
      reason: 'not-a-failure',
      error: notFound,
    });
    await expect(breaker.execute(fail)).rejects.toBe(boom);
    expect(breaker.state).toBe('open');
  });

  it('counts results isResultFailure rejects as failures but still returns them', async () => {
    const { breaker, events } = setup({
      minimumCalls: 1,
      isResultFailure: (result) => (result as { status: number }).status >= 500,
    });
    await expect(breaker.execute(() => ({ status: 503 }))).resolves.toEqual({ status: 503 });
    expect(breaker.state).toBe('open');
    expect(events.find((e) => e.type === 'failure')).toMatchObject({ result: { status: 503 } });
  });

  it('counts an error as a failure when isFailure itself throws, and reports the throw', async () => {
    const { breaker } = setup({
      isFailure: () => {
        throw new Error('predicate bug');
      },
    });
    const reported: unknown[] = [];
    breaker.on('callbackError', ({ callback, error }) =>
      reported.push([callback, (error as Error).message]),
    );
    await expect(breaker.execute(fail)).rejects.toBe(boom);
    expect(breaker.stats().failures).toBe(1);
    expect(reported).toEqual([['isFailure', 'predicate bug']]);
  });

  it('reports an isResultFailure that answers a promise, rather than failing every result', async () => {
    const { breaker } = setup({
      isResultFailure: (async () => false) as unknown as (result: unknown) => boolean,
    });
    const reported: unknown[] = [];
    breaker.on('callbackError', ({ callback, error }) =>
      reported.push([callback, (error as Error).message]),
    );
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.stats().totals).toMatchObject({ successes: 1, failures: 0 });
    expect(reported).toEqual([
      [
        'isResultFailure',
        expect.stringMatching(/^isResultFailure returned a promise; it must return a boolean/),
      ],
    ]);
  });
});

describe('open', () => {
  it('refuses at once with CircuitOpenError and does not call the function', async () => {
    const { breaker, clock, events } = setup({
      name: 'payments',
      minimumCalls: 1,
      openDurationMs: 30_000,
    });
    settle(breaker, 1, 'failure');
    clock.advance(10_000);
    const fn = vi.fn(ok);
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'ERR_CIRCUIT_OPEN',
      breakerName: 'payments',
      reason: 'open',
      retryAfterMs: 20_000,
    });
    expect(events.at(-1)).toEqual({ type: 'rejected', name: 'payments', reason: 'open' });
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.stats()).toMatchObject({ openedAt: 0, retryAfterMs: 20_000 });
  });

  it('builds refusal errors without a stack trace, and leaves Error.stackTraceLimit as it was', () => {
    const { breaker } = setup({ minimumCalls: 1 });
    settle(breaker, 1, 'failure');
    const limit = Error.stackTraceLimit;
    const error = breaker.openError();
    expect(error.stack).toBe(`CircuitOpenError: ${error.message}`);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('elsewhere').stack).toMatch(/\n\s+at /);
  });

  it('moves to half-open on the first request after the open duration, with no timer', () => {
    vi.useFakeTimers();
    try {
      const { breaker, clock, transitions } = setup({ minimumCalls: 1, openDurationMs: 5_000 });
      settle(breaker, 1, 'failure');
      expect(vi.getTimerCount()).toBe(0);
      clock.advance(4_999);
      expect(breaker.tryAcquire()).toBeNull();
      clock.advance(1);
      expect(breaker.state).toBe('open'); // reading the state does not move it
      expect(breaker.tryAcquire()).not.toBeNull();
      expect(breaker.state).toBe('half-open');
      expect(transitions()).toEqual([
        'closed->open:failure-rate',
        'open->half-open:open-duration-elapsed',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('backs off: each failed trial reopens for the next open duration, and closing resets it', () => {
    const { breaker, clock } = setup({
      minimumCalls: 1,
      halfOpenMaxCalls: 1,
      openDurationMs: exponentialBackoff({ initialMs: 1_000, maxMs: 4_000 }),
    });
    const openFor: number[] = [];
    breaker.on('stateChange', ({ to }) => {
      if (to === 'open') openFor.push(breaker.stats().retryAfterMs as number);
    });
    settle(breaker, 1, 'failure');
    for (let i = 0; i < 3; i++) {
      clock.advance(openFor.at(-1) as number);
      settle(breaker, 1, 'failure'); // a failed trial
    }
    expect(openFor).toEqual([1_000, 2_000, 4_000, 4_000]);
    clock.advance(4_000);
    settle(breaker, 1, 'success');
    expect(breaker.state).toBe('closed');
    settle(breaker, 1, 'failure');
    expect(openFor.at(-1)).toBe(1_000);
  });

  it('passes the attempt number, from 1 since the circuit last closed, to an openDurationMs function', () => {
    const attempts: number[] = [];
    const { breaker, clock } = setup({
      minimumCalls: 1,
      halfOpenMaxCalls: 1,
      openDurationMs: (attempt) => {
        attempts.push(attempt);
        return 100;
      },
    });
    attempts.length = 0; // the constructor probes attempt 1
    settle(breaker, 1, 'failure');
    clock.advance(100);
    settle(breaker, 1, 'failure');
    expect(attempts).toEqual([1, 2]);
  });

  it('falls back to the first open duration, and reports, when openDurationMs misbehaves later', () => {
    const { breaker, clock } = setup({
      minimumCalls: 1,
      halfOpenMaxCalls: 1,
      openDurationMs: (attempt) => (attempt === 1 ? 500 : Number.NaN),
    });
    const reported: string[] = [];
    breaker.on('callbackError', ({ callback }) => reported.push(callback));
    settle(breaker, 1, 'failure');
    clock.advance(500);
    settle(breaker, 1, 'failure');
    expect(breaker.stats().retryAfterMs).toBe(500);
    expect(reported).toEqual(['openDurationMs']);
  });
});

describe('half-open', () => {
  function openThenElapse(options: CircuitBreakerOptions = {}) {
    const env = setup({ minimumCalls: 1, openDurationMs: 1_000, ...options });
    settle(env.breaker, 1, 'failure');
    env.clock.advance(1_000);
    return env;
  }

  it('admits at most halfOpenMaxCalls concurrent trials, even under a burst of thousands', () => {
    const { breaker } = openThenElapse({ halfOpenMaxCalls: 3 });
    const permits = Array.from({ length: 5_000 }, () => breaker.tryAcquire());
    expect(permits.filter(Boolean)).toHaveLength(3);
    const error = breaker.openError();
    expect(error).toMatchObject({ reason: 'half-open-full', retryAfterMs: undefined });
    expect(breaker.stats().totals.rejected).toBe(4_997);
  });

  it('admits at most halfOpenMaxCalls trials through execute under a concurrent burst', async () => {
    const { breaker } = openThenElapse({ halfOpenMaxCalls: 2 });
    let calls = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 1_000 }, () =>
        breaker.execute(async () => {
          calls++;
          return 'ok';
        }),
      ),
    );
    expect(calls).toBe(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(breaker.state).toBe('closed');
  });

  it('closes with an empty window when halfOpenMaxCalls trials succeed', () => {
    const { breaker, transitions } = openThenElapse({ halfOpenMaxCalls: 2 });
    const [a, b] = [breaker.tryAcquire(), breaker.tryAcquire()];
    a?.success(900); // slow or not, a successful trial is a success
    expect(breaker.state).toBe('half-open');
    b?.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ calls: 0, failures: 0, consecutiveFailures: 0 });
    expect(transitions().at(-1)).toBe('half-open->closed:trials-succeeded');
  });

  it('reopens on the first failed trial', () => {
    const { breaker, transitions } = openThenElapse({ halfOpenMaxCalls: 3 });
    const [a, b] = [breaker.tryAcquire(), breaker.tryAcquire()];
    a?.success();
    b?.failure(boom);
    expect(breaker.state).toBe('open');
    expect(transitions().at(-1)).toBe('half-open->open:trial-failed');
  });

  it('frees the slot of an ignored trial', () => {
    const { breaker } = openThenElapse({ halfOpenMaxCalls: 1 });
    const trial = breaker.tryAcquire();
    expect(breaker.tryAcquire()).toBeNull();
    trial?.ignore();
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(breaker.state).toBe('half-open');
  });

  it('counts a trial still unsettled after halfOpenTimeoutMs as failed, lazily', () => {
    const { breaker, clock, transitions } = openThenElapse({
      halfOpenMaxCalls: 1,
      halfOpenTimeoutMs: 2_000,
    });
    const hung = breaker.tryAcquire();
    clock.advance(1_999);
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.openError()).toMatchObject({ reason: 'half-open-full' });
    clock.advance(1);
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state).toBe('open');
    expect(breaker.openError()).toMatchObject({ reason: 'open' });
    expect(transitions().at(-1)).toBe('half-open->open:trial-timeout');
    hung?.success(); // the late settlement is a no-op
    expect(breaker.state).toBe('open');
  });

  it('defaults the trial timeout to the open duration that preceded it', () => {
    const { breaker, clock } = openThenElapse({ halfOpenMaxCalls: 1 });
    breaker.tryAcquire();
    clock.advance(999);
    expect(breaker.openError()).toMatchObject({ reason: 'open' }); // nothing refused yet
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state).toBe('half-open');
    clock.advance(1);
    breaker.tryAcquire();
    expect(breaker.state).toBe('open');
  });

  it('makes a late settlement of an expired trial a no-op even before the next request', () => {
    const { breaker, clock } = openThenElapse({ halfOpenMaxCalls: 2, halfOpenTimeoutMs: 100 });
    const [hung, other] = [breaker.tryAcquire(), breaker.tryAcquire()];
    clock.advance(50);
    other?.success();
    clock.advance(50);
    hung?.success();
    expect(breaker.state).toBe('open');
  });

  it('does not let calls admitted while closed decide the half-open verdict', () => {
    const { breaker, clock } = setup({
      minimumCalls: 2,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    const straggler = breaker.tryAcquire();
    settle(breaker, 2, 'failure');
    clock.advance(1_000);
    const trial = breaker.tryAcquire();
    straggler?.failure(boom); // from the closed period: stale
    expect(breaker.state).toBe('half-open');
    trial?.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().totals.failures).toBe(3); // still counted in the totals
  });
});

describe('a dependency that asks to be left alone (retryAfterMs)', () => {
  it('keeps a circuit that opens open at least that long', () => {
    const { breaker, clock } = setup({ minimumCalls: 2, openDurationMs: 1_000 });
    breaker.tryAcquire()?.failure(boom, { retryAfterMs: 60_000 });
    expect(breaker.state).toBe('closed');
    clock.advance(10_000);
    breaker.tryAcquire()?.failure(boom, 5); // a number is still the duration
    expect(breaker.state).toBe('open');
    expect(breaker.stats().retryAfterMs).toBe(50_000);
  });

  it('extends an open circuit when a late failure asks for longer', () => {
    const { breaker, clock } = setup({ minimumCalls: 1, openDurationMs: 1_000 });
    const straggler = breaker.tryAcquire();
    settle(breaker, 1, 'failure');
    straggler?.failure(boom, { retryAfterMs: 30_000 });
    clock.advance(29_999);
    expect(breaker.tryAcquire()).toBeNull();
    clock.advance(1);
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('reopens for at least that long after a failed trial', () => {
    const { breaker, clock, events } = setup({
      minimumCalls: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    settle(breaker, 1, 'failure');
    clock.advance(1_000);
    breaker.tryAcquire()?.failure(boom, { retryAfterMs: 120_000 });
    expect(events.filter((e) => e.type === 'stateChange').at(-1)).toMatchObject({
      to: 'open',
      openUntil: 121_000,
      attempt: 2,
    });
  });

  it('forgets the request once the circuit has closed', () => {
    const { breaker, clock } = setup({
      minimumCalls: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    breaker.tryAcquire()?.failure(boom, { retryAfterMs: 5_000 });
    clock.advance(5_000);
    settle(breaker, 1, 'success');
    expect(breaker.state).toBe('closed');
    breaker.reset();
    breaker.tryAcquire()?.failure(boom, { retryAfterMs: 0 });
    expect(breaker.stats().retryAfterMs).toBe(1_000);
  });
});

describe('forced open, disabled and reset', () => {
  it('isolate() refuses every call until reset()', async () => {
    const { breaker, clock, transitions } = setup();
    breaker.isolate();
    clock.advance(1e9);
    await expect(breaker.execute(ok)).rejects.toMatchObject({
      reason: 'forced-open',
      retryAfterMs: undefined,
    });
    breaker.reset();
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(transitions()).toEqual(['closed->forced-open:isolate', 'forced-open->closed:reset']);
  });

  it('disable() passes every call and keeps measuring, but never trips', async () => {
    const { breaker, events } = setup({ minimumCalls: 1, consecutiveFailures: 1 });
    breaker.disable();
    for (let i = 0; i < 50; i++) await expect(breaker.execute(fail)).rejects.toBe(boom);
    expect(breaker.state).toBe('disabled');
    expect(breaker.stats()).toMatchObject({ failureRate: 100, totals: { failures: 50 } });
    expect(events.filter((e) => e.type === 'failure')).toHaveLength(50);
  });

  it('reset() closes an open circuit with an empty window', () => {
    const { breaker } = setup({ minimumCalls: 1 });
    settle(breaker, 1, 'failure');
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ calls: 0, consecutiveFailures: 0 });
  });

  it('emits no stateChange when asked for the state it is already in', () => {
    const { breaker, transitions } = setup();
    breaker.reset();
    breaker.isolate();
    breaker.isolate();
    expect(transitions()).toEqual(['closed->forced-open:isolate']);
  });
});

describe('permits', () => {
  it('settling twice is a no-op', () => {
    const { breaker } = setup({ minimumCalls: 1 });
    const permit = breaker.tryAcquire();
    permit?.success();
    permit?.failure(boom);
    permit?.ignore();
    expect(breaker.stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it('measures the duration from admission when none is given, and ignores nonsense durations', () => {
    const { breaker, clock, events } = setup();
    const a = breaker.tryAcquire();
    const b = breaker.tryAcquire();
    clock.advance(250);
    a?.success();
    b?.success(-5);
    expect(events.filter((e) => e.type === 'success').map((e) => e.durationMs)).toEqual([250, 250]);
  });

  it('applies isFailure to permit.failure()', () => {
    const { breaker } = setup({ isFailure: () => false });
    breaker.tryAcquire()?.failure(boom);
    expect(breaker.stats()).toMatchObject({ calls: 0, totals: { ignored: 1, failures: 0 } });
  });

  it('tracks calls in flight', () => {
    const { breaker } = setup();
    const permits = [breaker.tryAcquire(), breaker.tryAcquire()];
    expect(breaker.inFlight).toBe(2);
    permits[0]?.ignore();
    expect(breaker.inFlight).toBe(1);
  });
});

describe('timeouts and cancellation', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts the signal, rejects with CircuitTimeoutError and counts a failure', async () => {
    const breaker = new CircuitBreaker({ name: 'slow', timeoutMs: 100, minimumCalls: 1 });
    const seen: string[] = [];
    breaker.on('timeout', ({ timeoutMs, durationMs }) =>
      seen.push(`timeout ${timeoutMs} after ${durationMs}`),
    );
    breaker.on('failure', ({ error }) => seen.push(`failure ${(error as Error).name}`));
    let signal: AbortSignal | undefined;
    const call = breaker.execute((s) => {
      signal = s;
      return new Promise(() => {}); // never settles on its own
    });
    const outcome = expect(call).rejects.toBeInstanceOf(CircuitTimeoutError);
    await vi.advanceTimersByTimeAsync(100);
    await outcome;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(CircuitTimeoutError);
    expect(seen).toEqual(['timeout 100 after 100', 'failure CircuitTimeoutError']);
    expect(breaker.stats()).toMatchObject({ state: 'open', totals: { timeouts: 1, failures: 1 } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answers a timed-out call with the timeout even when the function settles in that turn', async () => {
    // The function answers as soon as its signal aborts, inside the timer's callback: its value
    // must not overtake the timeout, nor the fallback's answer, which comes microtasks later.
    const settlesOnAbort = (signal: AbortSignal) =>
      new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('late')));
    const plain = new CircuitBreaker({ timeoutMs: 100 });
    const refused = expect(plain.execute(settlesOnAbort)).rejects.toBeInstanceOf(
      CircuitTimeoutError,
    );
    const withFallback = new CircuitBreaker({
      timeoutMs: 100,
      fallback: async () => {
        await Promise.resolve();
        return 'fallback';
      },
    });
    const answered = expect(withFallback.execute(settlesOnAbort)).resolves.toBe('fallback');
    await vi.advanceTimersByTimeAsync(100);
    await refused;
    await answered;
  });

  it('clears the timer when the call settles first', async () => {
    const breaker = new CircuitBreaker({ timeoutMs: 1_000 });
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    await expect(breaker.execute(fail)).rejects.toBe(boom);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores a call its caller aborts, rejecting at once with the abort reason', async () => {
    const breaker = new CircuitBreaker({ timeoutMs: 1_000, minimumCalls: 1 });
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const call = breaker.execute(
      (signal) => {
        inner = signal;
        return new Promise(() => {});
      },
      { signal: controller.signal },
    );
    const reason = new Error('user went away');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(inner?.aborted).toBe(true);
    expect(breaker.stats()).toMatchObject({
      state: 'closed',
      calls: 0,
      inFlight: 0,
      totals: { ignored: 1 },
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes the caller signal through when there is no timeout', async () => {
    const breaker = new CircuitBreaker();
    const controller = new AbortController();
    await breaker.execute((signal) => expect(signal).toBe(controller.signal), {
      signal: controller.signal,
    });
  });

  it('does not call the function when the caller signal is already aborted', async () => {
    const breaker = new CircuitBreaker();
    const fn = vi.fn(ok);
    await expect(breaker.execute(fn, { signal: AbortSignal.abort('gone') })).rejects.toBe('gone');
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.stats().inFlight).toBe(0);
  });

  it('ignores an error raised after the caller aborted', async () => {
    const breaker = new CircuitBreaker({ minimumCalls: 1 });
    const controller = new AbortController();
    const call = breaker.execute(
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
      { signal: controller.signal },
    );
    controller.abort();
    await expect(call).rejects.toBeDefined();
    expect(breaker.stats()).toMatchObject({ state: 'closed', totals: { ignored: 1, failures: 0 } });
  });

  it('gives a function with no timeout and no caller signal a signal that never aborts', async () => {
    const breaker = new CircuitBreaker();
    const signal = await breaker.execute((s) => s);
    expect(signal.aborted).toBe(false);
  });

  it('keeps no listener a call added to its signal once the call is over', async () => {
    // A call may listen to its signal and never stop (a listener that only an abort would
    // remove): the signal must not outlive the calls that listened to it, or every call would
    // leave a listener behind for good.
    const breaker = new CircuitBreaker();
    const listenTo: Array<(signal: AbortSignal) => void> = [
      (signal) => signal.addEventListener('abort', () => {}),
      (signal) => addAbortListener(signal, () => {}),
      (signal) => void once(signal, 'abort'),
    ];
    let last: AbortSignal | undefined;
    for (let i = 0; i < 1_200; i++) {
      last = await breaker.execute((signal) => {
        listenTo[i % listenTo.length]?.(signal);
        return signal;
      });
    }
    expect(getEventListeners(last as AbortSignal, 'abort')).toHaveLength(1);
    // A signal nobody listened to is handed on as it is.
    const first = await breaker.execute((signal) => signal);
    await expect(breaker.execute((signal) => signal)).resolves.toBe(first);
  });
});

describe('fallback', () => {
  it('produces the result of a failed call from the error and the arguments', async () => {
    const { breaker, events } = setup({
      fallback: (error: unknown, id?: string) => `cached ${id} after ${(error as Error).message}`,
    });
    const get = breaker.wrap(async (id: string) => {
      throw new Error(`no ${id}`);
    });
    await expect(get('42')).resolves.toBe('cached 42 after no 42');
    expect(events.filter((e) => e.type === 'fallback')).toHaveLength(1);
    expect(breaker.stats().totals).toMatchObject({ failures: 1, fallbacks: 1 });
  });

  it('answers refused calls too, with the CircuitOpenError', async () => {
    const { breaker } = setup({ minimumCalls: 1, fallback: (error) => (error as Error).name });
    await breaker.execute(fail);
    await expect(breaker.execute(ok)).resolves.toBe('CircuitOpenError');
  });

  it('is not used for ignored errors', async () => {
    const { breaker } = setup({ isFailure: () => false, fallback: () => 'fallback' });
    await expect(breaker.execute(fail)).rejects.toBe(boom);
  });

  it('rejects with the fallback’s own error when it throws', async () => {
    const fallbackError = new Error('fallback broke');
    const { breaker } = setup({
      fallback: () => {
        throw fallbackError;
      },
    });
    await expect(breaker.execute(fail)).rejects.toBe(fallbackError);
  });

  it('answers timeouts', async () => {
    vi.useFakeTimers();
    try {
      const breaker = new CircuitBreaker({ timeoutMs: 10, fallback: async () => 'stale' });
      const call = breaker.execute(() => new Promise<string>(() => {}));
      await vi.advanceTimersByTimeAsync(10);
      await expect(call).resolves.toBe('stale');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('wrap', () => {
  it('keeps arguments and `this`', async () => {
    const breaker = new CircuitBreaker();
    const service = {
      base: 10,
      add: breaker.wrap(function (this: { base: number }, a: number, b: number) {
        return this.base + a + b;
      }),
    };
    await expect(service.add(1, 2)).resolves.toBe(13);
  });

  it('rejects non-functions clearly', async () => {
    const breaker = new CircuitBreaker();
    expect(() => breaker.wrap(42 as never)).toThrow(/wrap\(\) needs a function/);
    await expect(breaker.execute('nope' as never)).rejects.toThrow(/execute\(\) needs a function/);
  });
});

describe('snapshots', () => {
  it('restores an open circuit with its timing', () => {
    const { breaker, clock } = setup({ minimumCalls: 1, openDurationMs: 10_000 });
    settle(breaker, 1, 'failure');
    clock.advance(4_000);
    const snapshot = JSON.parse(JSON.stringify(breaker));
    expect(snapshot).toEqual({
      version: 1,
      state: 'open',
      openedAt: 0,
      openUntil: 10_000,
      attempt: 1,
    });
    const restored = new CircuitBreaker({ clock, initialState: snapshot });
    expect(restored.state).toBe('open');
    expect(restored.stats().retryAfterMs).toBe(6_000);
    clock.advance(6_000);
    expect(restored.tryAcquire()).not.toBeNull();
    expect(restored.state).toBe('half-open');
  });

  it('saves half-open as open with its open period over', () => {
    const { breaker, clock } = setup({
      minimumCalls: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 2,
    });
    settle(breaker, 1, 'failure');
    clock.advance(1_000);
    breaker.tryAcquire();
    const snapshot = breaker.toJSON();
    expect(snapshot).toMatchObject({ state: 'open', openUntil: clock.now() });
    const restored = new CircuitBreaker({ clock, initialState: snapshot, halfOpenMaxCalls: 2 });
    expect(
      [restored.tryAcquire(), restored.tryAcquire(), restored.tryAcquire()].filter(Boolean),
    ).toHaveLength(2);
  });

  it('round-trips forced-open and disabled', () => {
    for (const make of [(b: CircuitBreaker) => b.isolate(), (b: CircuitBreaker) => b.disable()]) {
      const breaker = new CircuitBreaker();
      make(breaker);
      expect(new CircuitBreaker({ initialState: breaker.toJSON() }).state).toBe(breaker.state);
    }
  });
});

describe('events', () => {
  it('reports every step of a breaker’s life in order', async () => {
    const { breaker, clock, events } = setup({
      name: 'orders',
      minimumCalls: 2,
      openDurationMs: 100,
      halfOpenMaxCalls: 1,
    });
    await breaker.execute(ok);
    await breaker.execute(fail).catch(() => {});
    await breaker.execute(ok).catch(() => {});
    clock.advance(100);
    await breaker.execute(ok);
    expect(events.map((e) => (e.type === 'stateChange' ? `${e.from}->${e.to}` : e.type))).toEqual([
      'success',
      'failure',
      'closed->open',
      'rejected',
      'open->half-open',
      'success',
      'half-open->closed',
    ]);
    expect(events.every((e) => e.name === 'orders')).toBe(true);
  });

  it('lets a listener call back into the breaker', async () => {
    const { breaker } = setup({ minimumCalls: 1 });
    breaker.on('stateChange', ({ to }) => {
      if (to === 'open') breaker.reset();
    });
    await breaker.execute(fail).catch(() => {});
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
  });

  it('keeps the breaker working when a listener throws', async () => {
    const { breaker } = setup({ minimumCalls: 1 });
    const reported: unknown[] = [];
    breaker.on('callbackError', ({ error }) => reported.push(error));
    breaker.on('failure', () => {
      throw new Error('listener bug');
    });
    await expect(breaker.execute(fail)).rejects.toBe(boom);
    expect(breaker.state).toBe('open');
    expect(reported).toHaveLength(1);
  });

  it('says, when the circuit opens, until when and for which attempt', () => {
    const { breaker, clock, events } = setup({ minimumCalls: 1, halfOpenMaxCalls: 1 });
    clock.advance(5_000);
    settle(breaker, 1, 'failure');
    clock.advance(1_000);
    settle(breaker, 1, 'failure');
    const opens = events.filter((e) => e.type === 'stateChange' && e.to === 'open');
    expect(opens).toEqual([
      expect.objectContaining({ from: 'closed', openUntil: 6_000, attempt: 1 }),
      expect.objectContaining({ from: 'half-open', openUntil: 8_000, attempt: 2 }),
    ]);
    expect(events.find((e) => e.type === 'stateChange' && e.to === 'half-open')).not.toHaveProperty(
      'openUntil',
    );
  });

  it('stops delivering after unsubscribe', async () => {
    const breaker = new CircuitBreaker();
    const seen: Array<BreakerEvents['success']> = [];
    const off = breaker.on('success', (event) => seen.push(event));
    await breaker.execute(ok);
    off();
    await breaker.execute(ok);
    expect(seen).toHaveLength(1);
  });
});
