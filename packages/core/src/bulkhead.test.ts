import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';
import { BulkheadFullError, CircuitOpenError, isBulkheadFullError } from './errors.ts';
import type { BreakerEvents } from './events.ts';
import type { BulkheadOptions, CircuitBreakerOptions } from './options.ts';
import type { Permit } from './permit.ts';

afterEach(() => {
  vi.useRealTimers();
});

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise continuation run (no timers involved). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

type Options = Omit<CircuitBreakerOptions<unknown>, 'bulkhead'>;

function newBreaker(bulkhead: BulkheadOptions, options: Options = {}): CircuitBreaker<unknown> {
  const now = 0;
  return new CircuitBreaker<unknown>({
    name: 'pool',
    clock: { now: () => now },
    bulkhead,
    ...options,
  });
}

/**
 * Starts a call through `execute` that runs until `finish` is called. `started` tells whether
 * the wrapped function has been called (it has not while the call waits in the queue).
 */
function hold(breaker: CircuitBreaker<unknown>, label = 'call', signal?: AbortSignal) {
  const gate = deferred<string>();
  const call = {
    started: false,
    settled: undefined as undefined | { value: unknown } | { error: unknown },
    result: undefined as unknown as Promise<unknown>,
    finish: () => gate.resolve(label),
    fail: (error: unknown) => gate.reject(error),
  };
  call.result = breaker.execute(
    () => {
      call.started = true;
      return gate.promise;
    },
    signal === undefined ? undefined : { signal },
  );
  call.result.then(
    (value) => {
      call.settled = { value };
    },
    (error: unknown) => {
      call.settled = { error };
    },
  );
  return call;
}

/** The events of one kind a breaker emits, collected in order. */
function collect<K extends keyof BreakerEvents>(breaker: CircuitBreaker<unknown>, event: K) {
  const events: Array<BreakerEvents[K]> = [];
  breaker.on(event, (payload) => {
    events.push(payload);
  });
  return events;
}

/** The rejection of `promise`; fails when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the call to be rejected');
}

describe('maxConcurrent', () => {
  it('lets maxConcurrent calls through execute run at once and refuses the next at once', async () => {
    const breaker = newBreaker({ maxConcurrent: 2 });
    const a = hold(breaker, 'a');
    const b = hold(breaker, 'b');
    await flush();
    expect([a.started, b.started]).toEqual([true, true]);
    const fn = vi.fn(() => 'c');
    const error = await rejectionOf(breaker.execute(fn));
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(error).toMatchObject({
      code: 'ERR_BULKHEAD_FULL',
      reason: 'full',
      breakerName: 'pool',
      maxConcurrent: 2,
      maxQueue: 0,
    });
    expect(breaker.stats().bulkhead).toEqual({ active: 2, queued: 0, lingering: 0 });
  });

  it('frees a slot when a call settles, whether it succeeded or failed', async () => {
    const breaker = newBreaker({ maxConcurrent: 1 });
    const a = hold(breaker, 'a');
    a.finish();
    await a.result;
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
    const b = hold(breaker, 'b');
    b.fail(new Error('down'));
    await expect(b.result).rejects.toThrow('down');
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
    await expect(breaker.execute(() => 'c')).resolves.toBe('c');
  });

  it('counts permits from tryAcquire and calls through execute against the same limit', async () => {
    const breaker = newBreaker({ maxConcurrent: 2 });
    const permit = breaker.tryAcquire();
    const a = hold(breaker, 'a');
    await flush();
    expect(permit).not.toBeNull();
    expect(a.started).toBe(true);
    await expect(breaker.execute(() => 'b')).rejects.toBeInstanceOf(BulkheadFullError);
    expect(breaker.tryAcquire()).toBeNull();
    permit?.success();
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('a permit settled twice frees its slot once', () => {
    const breaker = newBreaker({ maxConcurrent: 2 });
    const first = breaker.tryAcquire() as Permit;
    breaker.tryAcquire();
    first.success();
    first.failure(new Error('again'));
    first.ignore();
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
  });
});

describe('tryAcquire', () => {
  it('never waits: it refuses when every slot is taken, even with room in the queue', () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 1_000 });
    const rejected = collect(breaker, 'rejected');
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(breaker.tryAcquire()).toBeNull();
    expect(rejected).toEqual([{ name: 'pool', reason: 'bulkhead' }]);
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
  });

  it('openError() then returns a BulkheadFullError describing the bulkhead', () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 5 });
    breaker.tryAcquire();
    expect(breaker.tryAcquire()).toBeNull();
    const error = breaker.openError();
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(isBulkheadFullError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'full', maxConcurrent: 1, maxQueue: 5 });
    expect(error.message).toBe('Bulkhead of circuit "pool" is full (1 running, 5 queued)');
  });

  it('cannot take a slot freed for a queued call', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1 });
    const permit = breaker.tryAcquire() as Permit;
    const queued = hold(breaker, 'queued');
    permit.success(); // the slot passes to the queued call
    expect(breaker.tryAcquire()).toBeNull();
    await flush();
    expect(queued.started).toBe(true);
  });
});

describe('the queue (maxQueue)', () => {
  it('makes callers wait without calling their function, and counts them', () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 3 });
    hold(breaker, 'a');
    const waiting = [hold(breaker, 'b'), hold(breaker, 'c')];
    expect(waiting.map((call) => call.started)).toEqual([false, false]);
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 2, lingering: 0 });
    // A queued call is not admitted yet: it is not in flight.
    expect(breaker.inFlight).toBe(1);
  });

  it('hands each freed slot to the first waiter, in arrival order', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 3 });
    const order: string[] = [];
    const calls = ['a', 'b', 'c', 'd'].map((label) => {
      const call = hold(breaker, label);
      // The loop below awaits each result, so a rejection fails the test there.
      void call.result.then(() => order.push(label));
      return call;
    });
    for (const [i, call] of calls.entries()) {
      await flush();
      expect(calls.map((c) => c.started)).toEqual(calls.map((_, j) => j <= i));
      call.finish();
      await call.result;
    }
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
  });

  it('lets no new caller overtake a waiter when a slot frees', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 2 });
    const running = breaker.tryAcquire() as Permit;
    const first = hold(breaker, 'first');
    running.success();
    const latecomer = hold(breaker, 'latecomer'); // arrives in the same tick the slot frees
    await flush();
    expect(first.started).toBe(true);
    expect(latecomer.started).toBe(false);
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
    first.finish();
    await first.result;
    await flush();
    expect(latecomer.started).toBe(true);
  });

  it('refuses at once with reason "full" when the queue is full too', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 2 });
    const rejected = collect(breaker, 'rejected');
    hold(breaker, 'a');
    hold(breaker, 'b');
    hold(breaker, 'c');
    const fn = vi.fn();
    const error = await rejectionOf(breaker.execute(fn));
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(error).toMatchObject({ reason: 'full', maxConcurrent: 1, maxQueue: 2 });
    expect(rejected).toEqual([{ name: 'pool', reason: 'bulkhead' }]);
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 2, lingering: 0 });
  });

  it('queues calls through wrap() and acquire() too', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 2 });
    const running = breaker.tryAcquire() as Permit;
    const wrapped = vi.fn((x: number) => x * 2);
    const viaWrap = breaker.wrap(wrapped)(21);
    const viaAcquire = breaker.acquire();
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 2, lingering: 0 });
    running.success();
    await expect(viaWrap).resolves.toBe(42);
    const permit = await viaAcquire;
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
    permit.success();
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
  });
});

describe('queueTimeoutMs', () => {
  it('refuses a call that waited longer than queueTimeoutMs with reason "queue-timeout"', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 500 });
    const rejected = collect(breaker, 'rejected');
    hold(breaker, 'a');
    const b = hold(breaker, 'b');
    await vi.advanceTimersByTimeAsync(499);
    expect(b.settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const error = await rejectionOf(b.result);
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(error).toMatchObject({
      reason: 'queue-timeout',
      breakerName: 'pool',
      maxConcurrent: 1,
      maxQueue: 1,
    });
    expect((error as Error).message).toBe(
      'Call waited too long for a slot in the bulkhead of circuit "pool"',
    );
    expect(b.started).toBe(false);
    expect(rejected).toEqual([{ name: 'pool', reason: 'bulkhead' }]);
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a timed-out waiter does not take the slot when it frees later', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 2, queueTimeoutMs: 100 });
    const a = hold(breaker, 'a');
    const b = hold(breaker, 'b');
    await vi.advanceTimersByTimeAsync(100);
    expect(b.settled).toHaveProperty('error');
    a.finish();
    await a.result;
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
  });

  it('clears the queue timer of a call that got its slot in time', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 500 });
    const a = hold(breaker, 'a');
    const b = hold(breaker, 'b');
    expect(vi.getTimerCount()).toBe(1);
    a.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.started).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    b.finish();
    await expect(b.result).resolves.toBe('b');
  });

  it('times each waiter from its own arrival', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 2, queueTimeoutMs: 300 });
    hold(breaker, 'a');
    const b = hold(breaker, 'b');
    await vi.advanceTimersByTimeAsync(200);
    const c = hold(breaker, 'c');
    await vi.advanceTimersByTimeAsync(100);
    expect(b.settled).toHaveProperty('error');
    expect(c.settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(c.settled).toHaveProperty('error');
  });

  it('a queueTimeoutMs beyond setTimeout’s limit (2^31 - 1 ms) is refused, not cut to 1 ms', async () => {
    // setTimeout turns a delay above 2 147 483 647 ms into 1 ms (Node and vitest's fake timers).
    expect(() => newBreaker({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 2 ** 31 })).toThrow(
      /bulkhead\.queueTimeoutMs.*2147483647/,
    );
    vi.useFakeTimers();
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 2 ** 31 - 1 });
    hold(breaker, 'a');
    const b = hold(breaker, 'b');
    await vi.advanceTimersByTimeAsync(10);
    expect(b.settled).toBeUndefined();
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
  });
});

describe("a caller's AbortSignal", () => {
  it('aborting while queued rejects with the signal’s reason, frees the queue slot and its timer', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 60_000 });
    const rejected = collect(breaker, 'rejected');
    hold(breaker, 'a');
    const controller = new AbortController();
    const b = hold(breaker, 'b', controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('client went away');
    controller.abort(reason);
    expect(await rejectionOf(b.result)).toBe(reason);
    expect(b.started).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
    // The freed queue slot takes the next caller instead of refusing it as full.
    const c = hold(breaker, 'c');
    expect(c.settled).toBeUndefined();
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
    // An abort is not a rejection by the bulkhead.
    expect(rejected).toEqual([]);
    expect(breaker.stats().totals.rejected).toBe(0);
  });

  it('an aborted waiter does not go to the fallback', async () => {
    const fallback = vi.fn(() => 'fallback');
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1 }, { fallback });
    hold(breaker, 'a');
    const controller = new AbortController();
    const b = hold(breaker, 'b', controller.signal);
    controller.abort('stop');
    await expect(b.result).rejects.toBe('stop');
    expect(fallback).not.toHaveBeenCalled();
  });

  it('an already aborted signal rejects at once without queueing', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1 });
    hold(breaker, 'a');
    const fn = vi.fn();
    await expect(breaker.execute(fn, { signal: AbortSignal.abort('early') })).rejects.toBe('early');
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
  });

  it('leaves no abort listener behind on the signal once the call got its slot', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1 });
    const a = hold(breaker, 'a');
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const b = hold(breaker, 'b', controller.signal);
    a.finish();
    await flush();
    expect(b.started).toBe(true);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  // Without a bulkhead, a caller that aborts right after execute() returns gets the signal's
  // reason and the call is ignored. A bulkhead must not change that, queued or not.
  const honoursSignal = (signal: AbortSignal) => {
    signal.throwIfAborted();
    return 'value';
  };
  const ignoresSignal = () => 'value';
  it.each([
    ['a function that ignores its signal', ignoresSignal],
    ['a function that honours its signal', honoursSignal],
  ])('an abort right after execute() with a free slot is ignored, with %s', async (_label, fn) => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1 });
    const controller = new AbortController();
    const result = breaker.execute(fn, { signal: controller.signal });
    controller.abort('client went away');
    await expect(result).rejects.toBe('client went away');
    const { totals, bulkhead } = breaker.stats();
    expect({ successes: totals.successes, failures: totals.failures }).toEqual({
      successes: 0,
      failures: 0,
    });
    expect(bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
  });

  it.each([
    ['a function that ignores its signal', ignoresSignal],
    ['a function that honours its signal', honoursSignal],
  ])(
    'an abort in the tick its queued call is handed a slot is ignored, with %s',
    async (_label, fn) => {
      const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1 });
      const running = breaker.tryAcquire() as Permit;
      const controller = new AbortController();
      const result = breaker.execute(fn, { signal: controller.signal });
      running.success(); // hands the slot to the queued call
      controller.abort('client went away');
      await expect(result).rejects.toBe('client went away');
      const { totals, bulkhead } = breaker.stats();
      expect(totals.failures).toBe(0);
      expect(totals.successes).toBe(1); // the permit's
      expect(bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
    },
  );

  it('a control: without a bulkhead an abort right after execute() is ignored', async () => {
    const breaker = new CircuitBreaker({ clock: { now: () => 0 } });
    const controller = new AbortController();
    const result = breaker.execute(ignoresSignal, { signal: controller.signal });
    controller.abort('client went away');
    await expect(result).rejects.toBe('client went away');
    expect(breaker.stats().totals).toMatchObject({ successes: 0, failures: 0, ignored: 1 });
  });
});

describe('with the circuit', () => {
  it('an open circuit refuses at once rather than queueing', async () => {
    const breaker = newBreaker({ maxConcurrent: 2, maxQueue: 5 }, { consecutiveFailures: 1 });
    hold(breaker, 'running');
    breaker.tryAcquire()?.failure(new Error('down')); // opens the circuit
    expect(breaker.state).toBe('open');
    const fn = vi.fn();
    const error = await rejectionOf(breaker.execute(fn));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ reason: 'open' });
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
  });

  it('a forced-open circuit refuses with CircuitOpenError even when the bulkhead is full', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 5 });
    hold(breaker, 'running');
    breaker.isolate();
    const error = await rejectionOf(breaker.execute(() => 'x'));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ reason: 'forced-open' });
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.openError()).toBeInstanceOf(CircuitOpenError);
  });

  it('waiters find the circuit opened while they waited and are refused, passing the slot on', async () => {
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 2 }, { consecutiveFailures: 1 });
    const running = breaker.tryAcquire() as Permit;
    const b = hold(breaker, 'b');
    const c = hold(breaker, 'c');
    running.failure(new Error('down')); // opens the circuit and frees the slot
    expect(await rejectionOf(b.result)).toBeInstanceOf(CircuitOpenError);
    expect(await rejectionOf(c.result)).toBeInstanceOf(CircuitOpenError);
    expect([b.started, c.started]).toEqual([false, false]);
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
    expect(breaker.inFlight).toBe(0);
  });

  it('a queued call holds no half-open trial slot while it waits', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({
      clock: { now: () => now },
      consecutiveFailures: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 2,
      bulkhead: { maxConcurrent: 1, maxQueue: 1 },
    });
    breaker.tryAcquire()?.failure(new Error('down'));
    now = 1_000;
    const trial = breaker.tryAcquire() as Permit; // trial 1, the only bulkhead slot
    expect(breaker.state).toBe('half-open');
    const queued = hold(breaker as CircuitBreaker<unknown>, 'queued');
    expect(breaker.inFlight).toBe(1);
    trial.success();
    await flush();
    expect(queued.started).toBe(true);
    queued.finish();
    await queued.result;
    expect(breaker.state).toBe('closed'); // two trials succeeded
  });
});

describe('bulkhead rejections and the window', () => {
  it('are counted as rejections, never as calls, failures or toward opening', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker(
      { maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 100 },
      { consecutiveFailures: 1, minimumCalls: 1 },
    );
    const failures = collect(breaker, 'failure');
    const running = breaker.tryAcquire() as Permit;
    expect(breaker.tryAcquire()).toBeNull(); // tryAcquire refused
    const timedOut = hold(breaker, 'timed-out');
    await expect(hold(breaker, 'full').result).rejects.toMatchObject({ reason: 'full' });
    await vi.advanceTimersByTimeAsync(100);
    expect(await rejectionOf(timedOut.result)).toMatchObject({ reason: 'queue-timeout' });
    const stats = breaker.stats();
    expect(stats).toMatchObject({
      state: 'closed',
      calls: 0,
      failures: 0,
      failureRate: 0,
      consecutiveFailures: 0,
    });
    expect(stats.totals).toMatchObject({ rejected: 3, failures: 0, successes: 0, ignored: 0 });
    expect(failures).toEqual([]);
    running.success();
    expect(breaker.stats()).toMatchObject({ calls: 1, failures: 0 });
  });
});

describe('fallback', () => {
  it('receives the BulkheadFullError of a full bulkhead and supplies the result', async () => {
    const fallback = vi.fn((error: unknown) => `fallback:${(error as BulkheadFullError).reason}`);
    const breaker = newBreaker({ maxConcurrent: 1 }, { fallback });
    const fallbacks = collect(breaker, 'fallback');
    hold(breaker, 'a');
    await expect(breaker.execute(() => 'b')).resolves.toBe('fallback:full');
    const [error] = fallback.mock.calls[0] ?? [];
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(fallbacks).toEqual([{ name: 'pool', error }]);
    expect(breaker.stats().totals.fallbacks).toBe(1);
  });

  it('receives the BulkheadFullError of a queue timeout', async () => {
    vi.useFakeTimers();
    const fallback = vi.fn((error: unknown) => `fallback:${(error as BulkheadFullError).reason}`);
    const breaker = newBreaker({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 50 }, { fallback });
    hold(breaker, 'a');
    const b = hold(breaker, 'b');
    await vi.advanceTimersByTimeAsync(50);
    await expect(b.result).resolves.toBe('fallback:queue-timeout');
    expect(fallback.mock.calls[0]?.[0]).toBeInstanceOf(BulkheadFullError);
  });

  it('receives the arguments of a wrapped call refused by the bulkhead', async () => {
    const fallback = vi.fn((_error: unknown, ...args: unknown[]) => args);
    const breaker = newBreaker({ maxConcurrent: 1 }, { fallback });
    hold(breaker, 'a');
    await expect(breaker.wrap((x: number, y: string) => [x, y])(1, 'two')).resolves.toEqual([
      1,
      'two',
    ]);
    expect(fallback).toHaveBeenCalledWith(expect.any(BulkheadFullError), 1, 'two');
  });
});

describe('a slot handed over as the caller aborts', () => {
  it('rejects acquire() with the abort reason and frees the slot', async () => {
    const breaker = new CircuitBreaker({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const running = breaker.tryAcquire();
    const controller = new AbortController();
    const waiting = breaker.acquire({ signal: controller.signal });
    running?.success(); // hands the slot to the waiter...
    controller.abort('gone'); // ...which is aborted before it resumes
    await expect(waiting).rejects.toBe('gone');
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
    expect(breaker.inFlight).toBe(0);
  });
});

describe('a call its caller stopped waiting for keeps its slot until its function settles', () => {
  /** A function that ignores its signal and runs until `release` is called. */
  function stubborn() {
    let running = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    const fn = () => {
      running++;
      most = Math.max(most, running);
      return new Promise<string>((resolve) => {
        gates.push(() => {
          running--;
          resolve('late');
        });
      });
    };
    return {
      fn,
      get running() {
        return running;
      },
      get most() {
        return most;
      },
      releaseOne: () => gates.shift()?.(),
    };
  }

  // The case: maxConcurrent 2 with timeoutMs and functions that ignore their signal let
  // 30 run at once, as each timeout handed the slot to the next caller.
  it('maxConcurrent bounds the functions running, not the callers waiting', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker(
      { maxConcurrent: 2, maxQueue: 30 },
      // Thirty timeouts must not open the circuit, which would refuse the queued calls.
      { timeoutMs: 100, window: { type: 'count', size: 100 }, minimumCalls: 100 },
    );
    const work = stubborn();
    const calls = Array.from({ length: 30 }, () => breaker.execute(work.fn));
    for (const call of calls) call.catch(() => {});
    await vi.advanceTimersByTimeAsync(100);
    expect(breaker.stats()).toMatchObject({
      inFlight: 0, // the circuit's accounting ended at the timeout
      bulkhead: { active: 2, queued: 28, lingering: 2 },
      totals: { failures: 2, timeouts: 2 },
    });
    for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(100);
    expect(work.running).toBe(2);
    expect(breaker.stats().bulkhead).toEqual({ active: 2, queued: 28, lingering: 2 });
    // Each function that settles at last hands its slot to the next caller in the queue.
    for (let settled = 1; settled <= 30; settled++) {
      work.releaseOne();
      await vi.advanceTimersByTimeAsync(100);
      expect(work.running).toBeLessThanOrEqual(2);
    }
    expect(work.most).toBe(2);
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0, lingering: 0 },
      totals: { failures: 30, timeouts: 30, successes: 0 },
    });
  });

  it('is announced by a settledLate event when it settles at last, with how late', async () => {
    vi.useFakeTimers();
    const clock = { now: () => Date.now() };
    const breaker = newBreaker({ maxConcurrent: 1 }, { timeoutMs: 100, clock });
    const late = collect(breaker, 'settledLate');
    const work = stubborn();
    const call = rejectionOf(breaker.execute(work.fn));
    await vi.advanceTimersByTimeAsync(100);
    expect(await call).toMatchObject({ code: 'ERR_CIRCUIT_TIMEOUT' });
    await expect(breaker.execute(() => 'next')).rejects.toMatchObject({ reason: 'full' });
    await vi.advanceTimersByTimeAsync(2_500);
    expect(late).toEqual([]);
    work.releaseOne();
    await flush();
    expect(late).toEqual([{ name: 'pool', lateByMs: 2_500, cause: 'timeout' }]);
    await expect(breaker.execute(() => 'next')).resolves.toBe('next');
  });

  it('a caller’s abort while the function runs keeps the slot too, and is announced as cancelled', async () => {
    const breaker = newBreaker({ maxConcurrent: 1 });
    const late = collect(breaker, 'settledLate');
    const work = stubborn();
    const controller = new AbortController();
    const call = breaker.execute(work.fn, { signal: controller.signal });
    await flush();
    controller.abort('gone');
    await expect(call).rejects.toBe('gone');
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 1, queued: 0, lingering: 1 },
      totals: { ignored: 1 },
    });
    work.releaseOne();
    await flush();
    expect(late).toEqual([{ name: 'pool', lateByMs: 0, cause: 'cancelled' }]);
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
  });

  it('a function that stops when its signal aborts gives its slot back at once', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker({ maxConcurrent: 1 }, { timeoutMs: 100 });
    const call = rejectionOf(
      breaker.execute(
        (signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      ),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(await call).toMatchObject({ code: 'ERR_CIRCUIT_TIMEOUT' });
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
  });

  it('a function that never settles keeps its slot for good', async () => {
    vi.useFakeTimers();
    const breaker = newBreaker({ maxConcurrent: 1 }, { timeoutMs: 100 });
    breaker.execute(() => new Promise(() => {})).catch(() => {});
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 1 });
    await expect(breaker.execute(() => 'x')).rejects.toMatchObject({ reason: 'full' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves the circuit’s accounting as it was: a timed-out trial fails and reopens at the timeout', async () => {
    vi.useFakeTimers();
    let now = 0;
    const breaker = new CircuitBreaker({
      clock: { now: () => now },
      consecutiveFailures: 1,
      halfOpenMaxCalls: 1,
      timeoutMs: 100,
      bulkhead: { maxConcurrent: 1 },
    });
    breaker.tryAcquire()?.failure(new Error('down'));
    now = 1_000;
    const work = stubborn();
    const trial = breaker.execute(work.fn);
    trial.catch(() => {});
    expect(breaker.state).toBe('half-open');
    await vi.advanceTimersByTimeAsync(100);
    expect(breaker.stats()).toMatchObject({
      state: 'open',
      inFlight: 0,
      bulkhead: { active: 1, lingering: 1 },
    });
    work.releaseOne();
    await flush();
    expect(breaker.stats()).toMatchObject({ state: 'open', totals: { successes: 0, failures: 2 } });
    expect(breaker.stats().bulkhead).toEqual({ active: 0, queued: 0, lingering: 0 });
  });

  it('without a bulkhead, the late settlement is still announced', async () => {
    vi.useFakeTimers();
    const breaker = new CircuitBreaker({ timeoutMs: 100, clock: { now: () => Date.now() } });
    const late: unknown[] = [];
    breaker.on('settledLate', (event) => late.push(event));
    const work = stubborn();
    breaker.execute(work.fn).catch(() => {});
    await vi.advanceTimersByTimeAsync(150);
    work.releaseOne();
    await flush();
    expect(late).toEqual([{ name: 'default', lateByMs: 50, cause: 'timeout' }]);
  });
});
