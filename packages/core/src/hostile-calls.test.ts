// Bad input from a caller is a rejected promise: never a synchronous throw from execute() or a
// wrapped function, a later crash from a timer, a slot kept, or a hang.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { CircuitBreakerOptions, ExecuteOptions } from './index.ts';
import type { Permit } from './permit.ts';

afterEach(() => {
  vi.useRealTimers();
});

let now = 0;
const clock = { now: () => now };
afterEach(() => {
  now = 0;
});

function breakerWith(options: CircuitBreakerOptions<unknown> = {}): CircuitBreaker<unknown> {
  return new CircuitBreaker<unknown>({ name: 'hostile', clock, ...options });
}

/** Calls `execute` the way JavaScript can, with arguments its types forbid. */
function executeUnchecked(breaker: CircuitBreaker<unknown>, fn: unknown, options?: unknown) {
  return breaker.execute(fn as () => unknown, options as ExecuteOptions);
}

/** The value `promise` rejects with; fails when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected a rejection');
}

/** Opens the circuit, then lets its open period (1 s) pass, so the next permit is a trial. */
function halfOpen(breaker: CircuitBreaker<unknown>): void {
  (breaker.tryAcquire() as Permit).failure(new Error('down'));
  expect(breaker.state).toBe('open');
  now += 1_000;
}

const signalLookAlikes: Array<[string, () => unknown]> = [
  ['{ aborted: false }', () => ({ aborted: false })],
  ['{ aborted: true }', () => ({ aborted: true, reason: 'no' })],
  [
    'an object with every member of a signal',
    () => ({
      aborted: false,
      reason: undefined,
      onabort: null,
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => true,
      throwIfAborted() {},
    }),
  ],
  ['an object built on AbortSignal.prototype', () => Object.create(AbortSignal.prototype)],
  [
    'a proxy that claims to be an AbortSignal',
    () => new Proxy({}, { getPrototypeOf: () => AbortSignal.prototype }),
  ],
  [
    'a proxy whose every trap throws',
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      ),
  ],
  ['an AbortController', () => new AbortController()],
  ['null', () => null],
  ['a string', () => 'abort'],
  ['a number', () => 1],
];

describe('a signal that is not an AbortSignal', () => {
  it.each(signalLookAlikes)(
    'execute() rejects %s with a TypeError naming the signal, before taking anything',
    async (_label, make) => {
      vi.useFakeTimers();
      const breaker = breakerWith({ timeoutMs: 100, bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
      const fn = vi.fn(() => 'value');
      const call = executeUnchecked(breaker, fn, { signal: make() });
      const error = await rejectionOf(call);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(
        /^execute\(\): options\.signal must be an AbortSignal \(from an AbortController, AbortSignal\.timeout\(\) or AbortSignal\.any\(\)\) or undefined; got /,
      );
      expect(fn).not.toHaveBeenCalled();
      expect(vi.getTimerCount()).toBe(0);
      expect(breaker.stats()).toMatchObject({
        inFlight: 0,
        bulkhead: { active: 0, queued: 0, lingering: 0 },
        totals: { successes: 0, failures: 0, ignored: 0, rejected: 0, cancelled: 0 },
      });
      // The crash came from the timeout's timer; nothing is left to fire.
      await vi.advanceTimersByTimeAsync(10_000);
      await expect(breaker.execute(() => 'next')).resolves.toBe('next');
    },
  );

  it.each(signalLookAlikes)('acquire() rejects %s the same way', async (_label, make) => {
    const breaker = breakerWith({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const error = await rejectionOf(breaker.acquire({ signal: make() as AbortSignal }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(
      /^acquire\(\): options\.signal must be an AbortSignal/,
    );
    expect(breaker.stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
  });

  it('a half-open breaker keeps its trial slots', async () => {
    const breaker = breakerWith({ consecutiveFailures: 1, halfOpenMaxCalls: 1 });
    halfOpen(breaker);
    await expect(
      executeUnchecked(breaker, () => 'x', { signal: { aborted: false } }),
    ).rejects.toThrow(TypeError);
    await expect(breaker.execute(() => 'trial')).resolves.toBe('trial');
    expect(breaker.state).toBe('closed');
  });

  it('options that are not an object, or whose signal getter throws, reject too', async () => {
    const breaker = breakerWith();
    const getterError = new Error('getter');
    const hostile = Object.defineProperty({}, 'signal', {
      get() {
        throw getterError;
      },
    });
    const error = await rejectionOf(executeUnchecked(breaker, () => 1, hostile));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('execute(): reading options.signal threw');
    expect((error as Error).cause).toBe(getterError);
    await expect(executeUnchecked(breaker, () => 1, 5)).rejects.toThrow(
      'execute(): options must be an object { signal? }; got number',
    );
    expect(breaker.stats().totals).toMatchObject({ successes: 0, failures: 0 });
  });

  it('options of undefined or null, or a signal of undefined, are no signal at all', async () => {
    const breaker = breakerWith();
    await expect(executeUnchecked(breaker, () => 1, null)).resolves.toBe(1);
    await expect(breaker.execute(() => 2, { signal: undefined })).resolves.toBe(2);
    await expect(breaker.execute(() => 3, {})).resolves.toBe(3);
  });

  it.each([
    ['a controller’s signal', () => new AbortController().signal],
    ['AbortSignal.timeout()', () => AbortSignal.timeout(60_000)],
    ['AbortSignal.any()', () => AbortSignal.any([new AbortController().signal])],
  ])('accepts %s', async (_label, make) => {
    const breaker = breakerWith({ timeoutMs: 60_000 });
    await expect(breaker.execute(() => 'ok', { signal: make() })).resolves.toBe('ok');
    expect(breaker.stats().totals.successes).toBe(1);
  });
});

/** Thenables and promises that misbehave when the breaker looks at them. */
const thenGetterError = new Error('then getter');
const hostileResults: Array<[string, () => unknown, 'fails with' | 'succeeds with', unknown]> = [
  [
    'a thenable whose then getter throws',
    () =>
      Object.defineProperty({}, 'then', {
        get() {
          throw thenGetterError;
        },
      }),
    'fails with',
    thenGetterError,
  ],
  [
    'a thenable whose then getter throws the second time it is read',
    () => {
      let reads = 0;
      return Object.defineProperty({}, 'then', {
        get() {
          reads++;
          if (reads > 1) throw thenGetterError;
          return (resolve: (value: unknown) => void) => resolve('read once');
        },
      });
    },
    'succeeds with',
    'read once',
  ],
  [
    'a thenable whose then throws',
    () => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is under test
      then() {
        throw thenGetterError;
      },
    }),
    'fails with',
    thenGetterError,
  ],
  [
    'a thenable that resolves, rejects and throws',
    () => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is under test
      then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
        resolve('first');
        reject(new Error('second'));
        throw new Error('third');
      },
    }),
    'succeeds with',
    'first',
  ],
  [
    'a promise whose then was replaced by one that throws',
    () =>
      Object.defineProperty(Promise.resolve('inside'), 'then', {
        value: () => {
          throw new Error('replaced then');
        },
      }),
    'succeeds with',
    'inside',
  ],
  [
    // As for `await`, which takes a native promise as it is, without reading its `then`.
    'a promise whose then getter throws',
    () =>
      Object.defineProperty(Promise.resolve('inside'), 'then', {
        get() {
          throw new Error('then getter');
        },
      }),
    'succeeds with',
    'inside',
  ],
  [
    'a promise whose constructor getter throws',
    () => {
      const promise = Promise.reject(thenGetterError);
      promise.catch(() => {});
      return Object.defineProperty(promise, 'constructor', {
        get() {
          throw new Error('constructor getter');
        },
      });
    },
    'fails with',
    'constructor getter',
  ],
  [
    'a promise of a subclass whose then builds something that is not a promise',
    () => {
      class Foreign<T> extends Promise<T> {
        static override get [Symbol.species](): PromiseConstructor {
          function NotAPromise(executor: (resolve: unknown, reject: unknown) => void) {
            executor(
              () => {},
              () => {},
            );
            return {};
          }
          return NotAPromise as unknown as PromiseConstructor;
        }
      }
      return Foreign.resolve('inside');
    },
    'succeeds with',
    'inside',
  ],
  [
    'a proxy whose get trap throws',
    () =>
      new Proxy(
        {},
        {
          get() {
            throw thenGetterError;
          },
        },
      ),
    'fails with',
    thenGetterError,
  ],
];

// Not a thenable, as `await` sees it: the value itself.
const proxyValue = new Proxy(
  {},
  {
    getPrototypeOf() {
      throw new Error('trap');
    },
  },
);
hostileResults.push([
  'a proxy whose getPrototypeOf trap throws',
  () => proxyValue,
  'succeeds with',
  proxyValue,
]);

describe('what a function returns', () => {
  it.each(hostileResults)(
    '%s: execute() does not throw, and the call %s its outcome',
    async (_label, make, kind, expected) => {
      for (const options of [{}, { timeoutMs: 1_000 }, { fallback: () => 'fallback' }]) {
        const breaker = breakerWith(options);
        let call: Promise<unknown> | undefined;
        expect(() => {
          call = breaker.execute(make);
        }).not.toThrow();
        // Awaited, not chained with .then(), as a caller would: what it awaits is the contract.
        const outcome = await (async () => {
          try {
            return { value: await call };
          } catch (error) {
            return { error };
          }
        })();
        const { totals, inFlight } = breaker.stats();
        expect(inFlight).toBe(0);
        if (kind === 'succeeds with') {
          expect((outcome as { value: unknown }).value).toBe(expected);
          expect(totals).toMatchObject({ successes: 1, failures: 0 });
        } else {
          expect(totals).toMatchObject({ successes: 0, failures: 1 });
          if ('fallback' in options) expect(outcome).toEqual({ value: 'fallback' });
          else {
            const error = (outcome as { error: unknown }).error;
            if (typeof expected === 'string') expect((error as Error).message).toBe(expected);
            else expect(error).toBe(expected);
          }
        }
      }
    },
  );

  // The case: in half-open the call kept its trial slot, and every next call was refused
  // as half-open-full until halfOpenTimeoutMs.
  it('a thenable whose then getter throws gives back its half-open trial slot', async () => {
    const breaker = breakerWith({
      consecutiveFailures: 1,
      halfOpenMaxCalls: 1,
      isFailure: (error) => error !== thenGetterError,
    });
    halfOpen(breaker);
    const hostile = (hostileResults[0] as (typeof hostileResults)[0])[1];
    let call: Promise<unknown> | undefined;
    expect(() => {
      call = breaker.execute(hostile);
    }).not.toThrow();
    await expect(call).rejects.toBe(thenGetterError);
    expect(breaker.stats()).toMatchObject({ state: 'half-open', inFlight: 0 });
    await expect(breaker.execute(() => 'trial')).resolves.toBe('trial');
    expect(breaker.state).toBe('closed');
  });

  it('counted as a failure, it reopens a half-open circuit rather than holding it', async () => {
    const breaker = breakerWith({ consecutiveFailures: 1, halfOpenMaxCalls: 1 });
    halfOpen(breaker);
    const hostile = (hostileResults[0] as (typeof hostileResults)[0])[1];
    await expect(breaker.execute(hostile)).rejects.toBe(thenGetterError);
    expect(breaker.stats()).toMatchObject({ state: 'open', inFlight: 0 });
  });
});

const nonErrors: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'boom'],
  ['a number', 42],
  ['a symbol', Symbol('boom')],
  ['a plain object', { message: 'not an Error' }],
];

describe('throws of values that are not errors', () => {
  it.each(nonErrors)(
    'a function that throws %s synchronously: rejected with it, a failure',
    async (_label, thrown) => {
      for (const options of [{}, { timeoutMs: 1_000 }, { bulkhead: { maxConcurrent: 1 } }]) {
        const breaker = breakerWith(options);
        const failures: unknown[] = [];
        breaker.on('failure', ({ error }) => failures.push(error));
        let call: Promise<unknown> | undefined;
        expect(() => {
          call = breaker.execute(() => {
            throw thrown;
          });
        }).not.toThrow();
        expect(await rejectionOf(call as Promise<unknown>)).toBe(thrown);
        expect(failures).toEqual([thrown]);
        expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
      }
    },
  );

  it.each(nonErrors)('an async function that rejects with %s: the same', async (_label, thrown) => {
    const breaker = breakerWith({ timeoutMs: 1_000 });
    expect(await rejectionOf(breaker.execute(() => Promise.reject(thrown)))).toBe(thrown);
    expect(breaker.stats().totals.failures).toBe(1);
  });

  it.each(nonErrors)(
    'the fallback and isFailure receive %s as it was thrown',
    async (_label, thrown) => {
      const isFailure = vi.fn(() => true);
      const fallback = vi.fn(() => 'fallback');
      const breaker = breakerWith({ isFailure, fallback });
      await expect(
        breaker.execute(() => {
          throw thrown;
        }),
      ).resolves.toBe('fallback');
      expect(isFailure).toHaveBeenCalledWith(thrown);
      expect(fallback).toHaveBeenCalledWith(thrown);
    },
  );

  it('an isFailure that throws on a non-error counts the call as a failure and reports it', async () => {
    const reports: string[] = [];
    const breaker = breakerWith({
      isFailure: (error) => (error as { code: string }).code === 'x',
    });
    breaker.on('callbackError', ({ callback }) => reports.push(callback));
    await expect(
      breaker.execute(() => {
        throw null;
      }),
    ).rejects.toBeNull();
    expect(reports).toEqual(['isFailure']);
    expect(breaker.stats().totals.failures).toBe(1);
  });
});

describe('wrapped functions', () => {
  it('never throw synchronously either, whatever the function does', async () => {
    const breaker = breakerWith();
    const cases: Array<() => unknown> = [
      () => {
        throw undefined;
      },
      () => {
        throw 'a string';
      },
      (hostileResults[0] as (typeof hostileResults)[0])[1],
      (hostileResults[2] as (typeof hostileResults)[0])[1],
    ];
    for (const fn of cases) {
      const wrapped = breaker.wrap(fn);
      let call: Promise<unknown> | undefined;
      expect(() => {
        call = wrapped();
      }).not.toThrow();
      await rejectionOf(call as Promise<unknown>);
    }
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { failures: cases.length } });
  });

  it('call the function itself, not an apply it may carry', async () => {
    const breaker = breakerWith();
    const fn = Object.assign((x: number) => x * 2, {
      apply() {
        throw new Error('own apply');
      },
    });
    await expect(breaker.wrap(fn)(21)).resolves.toBe(42);
  });
});

describe('a function that is not a function', () => {
  it.each([undefined, null, 42, 'fn', {}])(
    'execute(%s) rejects with a TypeError and counts nothing',
    async (fn) => {
      const breaker = breakerWith();
      const error = await rejectionOf(executeUnchecked(breaker, fn));
      expect(error).toBeInstanceOf(TypeError);
      expect(breaker.stats()).toMatchObject({
        inFlight: 0,
        totals: { successes: 0, failures: 0, ignored: 0, rejected: 0, cancelled: 0 },
      });
    },
  );
});

describe('a clock that throws as an admitted call starts', () => {
  /** A breaker whose clock throws on the read that times the next admitted call, once. */
  function breakerWhoseClockBreaks(options: CircuitBreakerOptions<unknown> = {}) {
    let reads = 0;
    let breakAt = -1;
    const breaker = new CircuitBreaker<unknown>({
      name: 'clock',
      slowCallDurationMs: 1_000,
      clock: {
        now: () => {
          reads++;
          if (reads === breakAt) throw new Error('clock broke');
          return now;
        },
      },
      ...options,
    });
    // The start time is the last read an admission makes: count them on a call like the next.
    const before = reads;
    const permit = breaker.tryAcquire() as Permit;
    const perAdmission = reads - before;
    permit.ignore();
    return {
      breaker,
      armNext: () => {
        breakAt = reads + perAdmission;
      },
    };
  }

  it.each([
    ['tryAcquire()', (b: CircuitBreaker<unknown>) => b.tryAcquire()],
    ['acquire()', (b: CircuitBreaker<unknown>) => b.acquire()],
    ['execute()', (b: CircuitBreaker<unknown>) => b.execute(async () => 'ok')],
  ])('%s hands the admission back: nothing stays in flight', async (_, admit) => {
    for (const options of [{}, { bulkhead: { maxConcurrent: 1 } }]) {
      const { breaker, armNext } = breakerWhoseClockBreaks({ ...options, halfOpenMaxCalls: 1 });
      armNext();
      await expect(async () => admit(breaker)).rejects.toThrow('clock broke');
      expect(breaker.inFlight).toBe(0);
      expect(breaker.stats().bulkhead?.active ?? 0).toBe(0);
      // The next call is admitted: no slot was kept.
      expect(await breaker.execute(async () => 'ok')).toBe('ok');
    }
  });
});
