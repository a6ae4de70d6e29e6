// Every call through execute() lands in exactly one of successes, failures, ignored, rejected
// and cancelled; timeouts, slow calls and fallbacks overlap them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { BreakerEvents } from './events.ts';
import type { CircuitBreakerOptions } from './options.ts';
import type { Permit } from './permit.ts';

afterEach(() => {
  vi.useRealTimers();
});

type Totals = ReturnType<CircuitBreaker['stats']>['totals'];

const none: Totals = {
  successes: 0,
  failures: 0,
  timeouts: 0,
  ignored: 0,
  rejected: 0,
  cancelled: 0,
  slowCalls: 0,
  fallbacks: 0,
};

/** The number of calls the exclusive totals account for. */
function counted(totals: Totals): number {
  return totals.successes + totals.failures + totals.ignored + totals.rejected + totals.cancelled;
}

/** Lets every pending promise continuation run (no timers involved). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Waits for one call to end, whichever way; it counts as one call. */
async function one(call: Promise<unknown>): Promise<number> {
  await settledOf(call);
  return 1;
}

function settledOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

interface Scenario {
  options?: CircuitBreakerOptions<unknown>;
  /** Makes the calls, each through execute() or a permit; returns how many it made. */
  run(breaker: CircuitBreaker<unknown>): Promise<number>;
  totals: Partial<Totals>;
}

const neverSettles = () => new Promise<never>(() => {});

const scenarios: Array<[string, Scenario]> = [
  ['a success', { run: (b) => one(b.execute(() => 'ok')), totals: { successes: 1 } }],
  [
    'a failure',
    {
      run: (b) => one(b.execute(() => Promise.reject(new Error('x')))),
      totals: { failures: 1 },
    },
  ],
  [
    'a timeout: a failure, and a timeout',
    {
      options: { timeoutMs: 100 },
      run: async (b) => {
        const call = settledOf(b.execute(neverSettles));
        await vi.advanceTimersByTimeAsync(100);
        await call;
        return 1;
      },
      totals: { failures: 1, timeouts: 1 },
    },
  ],
  [
    'an error isFailure rejects',
    {
      options: { isFailure: () => false },
      run: (b) => one(b.execute(() => Promise.reject(new Error('404')))),
      totals: { ignored: 1 },
    },
  ],
  [
    'an abort while the function runs',
    {
      run: async (b) => {
        const controller = new AbortController();
        const call = settledOf(b.execute(neverSettles, { signal: controller.signal }));
        await flush();
        controller.abort();
        await call;
        return 1;
      },
      totals: { ignored: 1 },
    },
  ],
  [
    'a refusal by the open circuit, and the failure that opened it',
    {
      options: { consecutiveFailures: 1 },
      run: async (b) => {
        await settledOf(b.execute(() => Promise.reject(new Error('down'))));
        await settledOf(b.execute(() => 'refused'));
        return 2;
      },
      totals: { failures: 1, rejected: 1 },
    },
  ],
  [
    'a refusal by a full bulkhead',
    {
      options: { bulkhead: { maxConcurrent: 1 } },
      run: async (b) => {
        const running = b.tryAcquire() as Permit;
        await settledOf(b.execute(() => 'refused'));
        running.success();
        return 2;
      },
      totals: { successes: 1, rejected: 1 },
    },
  ],
  [
    'a refusal after the queue timeout',
    {
      options: { bulkhead: { maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 50 } },
      run: async (b) => {
        const running = b.tryAcquire() as Permit;
        const waiting = settledOf(b.execute(() => 'refused'));
        await vi.advanceTimersByTimeAsync(50);
        await waiting;
        running.success();
        return 2;
      },
      totals: { successes: 1, rejected: 1 },
    },
  ],
  [
    'a refusal by a circuit that opened while the call waited',
    {
      options: { bulkhead: { maxConcurrent: 1, maxQueue: 1 }, consecutiveFailures: 1 },
      run: async (b) => {
        const running = b.tryAcquire() as Permit;
        const waiting = settledOf(b.execute(() => 'refused'));
        running.failure(new Error('down'));
        await waiting;
        return 2;
      },
      totals: { failures: 1, rejected: 1 },
    },
  ],
  [
    'a call whose signal was already aborted',
    {
      run: (b) => one(b.execute(() => 'x', { signal: AbortSignal.abort() })),
      totals: { cancelled: 1 },
    },
  ],
  [
    'a call whose signal was already aborted, with a bulkhead',
    {
      options: { bulkhead: { maxConcurrent: 1, maxQueue: 1 } },
      run: (b) => one(b.execute(() => 'x', { signal: AbortSignal.abort() })),
      totals: { cancelled: 1 },
    },
  ],
  [
    'a call aborted while it waits in the queue',
    {
      options: { bulkhead: { maxConcurrent: 1, maxQueue: 1 } },
      run: async (b) => {
        const running = b.tryAcquire() as Permit;
        const controller = new AbortController();
        const waiting = settledOf(b.execute(() => 'x', { signal: controller.signal }));
        controller.abort();
        await waiting;
        running.success();
        return 2;
      },
      totals: { successes: 1, cancelled: 1 },
    },
  ],
  [
    'a call aborted in the turn its slot was handed to it',
    {
      options: { bulkhead: { maxConcurrent: 1, maxQueue: 1 } },
      run: async (b) => {
        const running = b.tryAcquire() as Permit;
        const controller = new AbortController();
        const waiting = settledOf(b.execute(() => 'x', { signal: controller.signal }));
        running.success();
        controller.abort();
        await waiting;
        return 2;
      },
      totals: { successes: 1, cancelled: 1 },
    },
  ],
  [
    'acquire() with an aborted signal',
    {
      run: (b) => one(b.acquire({ signal: AbortSignal.abort() })),
      totals: { cancelled: 1 },
    },
  ],
  [
    'a failure the fallback answered: a failure, and a fallback',
    {
      options: { fallback: () => 'fallback' },
      run: (b) => one(b.execute(() => Promise.reject(new Error('x')))),
      totals: { failures: 1, fallbacks: 1 },
    },
  ],
  [
    'a refusal the fallback answered: a rejection, and a fallback',
    {
      options: { fallback: () => 'fallback', bulkhead: { maxConcurrent: 1 } },
      run: async (b) => {
        const running = b.tryAcquire() as Permit;
        await b.execute(() => 'refused');
        running.ignore();
        return 2;
      },
      totals: { ignored: 1, rejected: 1, fallbacks: 1 },
    },
  ],
  [
    'a call with no function: nothing, it never reached the breaker',
    {
      run: async (b) => (await one(b.execute(undefined as never))) - 1,
      totals: {},
    },
  ],
];

describe('totals', () => {
  it.each(scenarios)('count %s, each call in one exclusive total', async (_label, scenario) => {
    vi.useFakeTimers();
    const breaker = new CircuitBreaker<unknown>({
      name: 'totals',
      clock: { now: () => 0 },
      ...scenario.options,
    });
    const calls = await scenario.run(breaker);
    const { totals, inFlight } = breaker.stats();
    expect(totals).toEqual({ ...none, ...scenario.totals });
    expect(counted(totals)).toBe(calls);
    expect(inFlight).toBe(0);
  });
});

describe('the cancelled event', () => {
  it('names the breaker, says whether the call was queued, and carries the signal’s reason', async () => {
    const breaker = new CircuitBreaker({
      name: 'pool',
      bulkhead: { maxConcurrent: 1, maxQueue: 1 },
    });
    const events: Array<BreakerEvents['cancelled']> = [];
    breaker.on('cancelled', (event) => events.push(event));
    await settledOf(breaker.execute(() => 'x', { signal: AbortSignal.abort('early') }));
    const running = breaker.tryAcquire() as Permit;
    const controller = new AbortController();
    const waiting = settledOf(breaker.execute(() => 'x', { signal: controller.signal }));
    controller.abort('late');
    await waiting;
    running.success();
    expect(events).toEqual([
      { name: 'pool', queued: false, error: 'early' },
      { name: 'pool', queued: true, error: 'late' },
    ]);
  });

  it('fires no ignored or rejected event for the same call', async () => {
    const breaker = new CircuitBreaker({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const other = vi.fn();
    breaker.on('ignored', other);
    breaker.on('rejected', other);
    const running = breaker.tryAcquire() as Permit;
    const controller = new AbortController();
    const waiting = settledOf(breaker.execute(() => 'x', { signal: controller.signal }));
    controller.abort();
    await waiting;
    running.success();
    expect(other).not.toHaveBeenCalled();
  });
});
