// A property test of the engine's guarantees under attack: random mixes of calls through
// execute() and wrap() — values, synchronous throws, rejections, throws of non-errors, hostile
// thenables, functions that honour or ignore their signal or never settle — with caller's
// signals that are already aborted, abort at a random moment (before admission, while queued,
// while running) or are not AbortSignals at all, against breakers with random valid options
// (window, bulkhead and queue, timeout, fallback that may throw, isFailure that may throw), with
// reset(), isolate() and disable() at random moments.
// Time is vitest's fake timers, which also drive the default monotonic clock. Asserted:
//
//  - execute() and wrapped functions never throw synchronously;
//  - no unhandled rejection is raised (the caller handles the promise it is given, nothing else);
//  - a function runs only while it holds a bulkhead slot: the functions running at once never
//    exceed maxConcurrent, and `active` never exceeds it either;
//  - once every function that can settle has settled, inFlight is 0, nothing is queued, and the
//    only slots still taken are those of functions that never settle (all lingering);
//  - every call lands in exactly one of successes, failures, ignored, rejected and cancelled —
//    and fires exactly one of the matching events — except calls with a signal that is not an
//    AbortSignal, which reject with a TypeError and are counted nowhere; every caller's promise
//    settles.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, type CircuitBreakerOptions } from '../src/index.ts';

afterEach(() => {
  vi.useRealTimers();
});

// --- what a function does ---------------------------------------------------------------------

/** Errors `isFailure` says are not failures; and one it throws on. */
const notAFailure = Object.assign(new Error('not found'), { expected: true });
const isFailureThrowsOn = 'make isFailure throw';

const thrownArb: fc.Arbitrary<unknown> = fc.constantFrom(
  new Error('boom'),
  undefined,
  null,
  'a string',
  42,
  notAFailure,
  isFailureThrowsOn,
);

type Behaviour =
  | { kind: 'value' }
  | { kind: 'throw'; thrown: unknown }
  | { kind: 'resolve'; ms: number }
  | { kind: 'reject'; ms: number; thrown: unknown }
  /** Settles after `ms`, or rejects with the signal's reason as soon as it aborts. */
  | { kind: 'honour'; ms: number }
  /** Settles after `ms` whatever its signal does. */
  | { kind: 'ignore'; ms: number }
  | { kind: 'never' }
  | { kind: 'then-getter-throws' }
  | { kind: 'then-throws' }
  | { kind: 'then-settles-twice' };

const msArb = fc.integer({ min: 0, max: 400 });

const behaviourArb = (mayHang: boolean): fc.Arbitrary<Behaviour> =>
  fc.oneof(
    fc.constant({ kind: 'value' as const }),
    fc.record({ kind: fc.constant('throw' as const), thrown: thrownArb }),
    fc.record({ kind: fc.constant('resolve' as const), ms: msArb }),
    fc.record({ kind: fc.constant('reject' as const), ms: msArb, thrown: thrownArb }),
    fc.record({ kind: fc.constant('honour' as const), ms: msArb }),
    fc.record({ kind: fc.constant('ignore' as const), ms: msArb }),
    fc.constant({ kind: (mayHang ? 'never' : 'value') as 'never' | 'value' }),
    fc.constant({ kind: 'then-getter-throws' as const }),
    fc.constant({ kind: 'then-throws' as const }),
    fc.constant({ kind: 'then-settles-twice' as const }),
  );

type SignalPlan =
  | { kind: 'none' }
  | { kind: 'aborted' }
  | { kind: 'abort-after'; ms: number }
  | { kind: 'look-alike' };

const signalArb: fc.Arbitrary<SignalPlan> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'aborted' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('abort-after' as const), ms: msArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'look-alike' as const }) },
);

type Step =
  | { kind: 'call'; via: 'execute' | 'wrap'; behaviour: Behaviour; signal: SignalPlan }
  | { kind: 'advance'; ms: number }
  | { kind: 'control'; action: 'reset' | 'isolate' | 'disable' };

// --- the breaker ------------------------------------------------------------------------------

interface Setup {
  window: { type: 'count'; size: number } | { type: 'time'; durationMs: number; buckets: number };
  minimumCalls: number;
  consecutiveFailures: number | undefined;
  openDurationMs: number;
  halfOpenMaxCalls: number;
  timeoutMs: number | undefined;
  bulkhead:
    | { maxConcurrent: number; maxQueue: number; queueTimeoutMs: number | undefined }
    | undefined;
  fallback: 'none' | 'value' | 'throws' | 'rejects';
  isFailure: boolean;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const setupArb: fc.Arbitrary<Setup> = fc.record({
  window: fc.oneof(
    fc.record({ type: fc.constant('count' as const), size: fc.integer({ min: 1, max: 20 }) }),
    fc.record({
      type: fc.constant('time' as const),
      durationMs: fc.integer({ min: 50, max: 2_000 }),
      buckets: fc.integer({ min: 1, max: 10 }),
    }),
  ),
  minimumCalls: fc.integer({ min: 1, max: 10 }),
  consecutiveFailures: optional(fc.integer({ min: 1, max: 5 })),
  openDurationMs: fc.integer({ min: 10, max: 500 }),
  halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
  timeoutMs: optional(fc.integer({ min: 10, max: 300 })),
  bulkhead: optional(
    fc.record({
      maxConcurrent: fc.integer({ min: 1, max: 4 }),
      maxQueue: fc.integer({ min: 0, max: 4 }),
      queueTimeoutMs: optional(fc.integer({ min: 10, max: 300 })),
    }),
  ),
  fallback: fc.constantFrom('none', 'value', 'throws', 'rejects'),
  isFailure: fc.boolean(),
});

function optionsOf(setup: Setup): CircuitBreakerOptions<unknown> {
  const { bulkhead } = setup;
  return {
    name: 'mix',
    window: setup.window,
    minimumCalls: setup.minimumCalls,
    openDurationMs: setup.openDurationMs,
    halfOpenMaxCalls: setup.halfOpenMaxCalls,
    ...(setup.consecutiveFailures === undefined
      ? {}
      : { consecutiveFailures: setup.consecutiveFailures }),
    ...(setup.timeoutMs === undefined ? {} : { timeoutMs: setup.timeoutMs }),
    ...(bulkhead === undefined
      ? {}
      : {
          bulkhead: {
            maxConcurrent: bulkhead.maxConcurrent,
            maxQueue: bulkhead.maxQueue,
            ...(bulkhead.queueTimeoutMs === undefined
              ? {}
              : { queueTimeoutMs: bulkhead.queueTimeoutMs }),
          },
        }),
    ...(setup.fallback === 'none'
      ? {}
      : {
          fallback: () => {
            if (setup.fallback === 'throws') throw new Error('fallback broke');
            if (setup.fallback === 'rejects') return Promise.reject(new Error('fallback rejected'));
            return 'fallback';
          },
        }),
    ...(setup.isFailure
      ? {
          isFailure: (error: unknown) => {
            if (error === isFailureThrowsOn) throw new Error('isFailure broke');
            return error !== notAFailure;
          },
        }
      : {}),
  };
}

// --- one run ----------------------------------------------------------------------------------

interface Run {
  breaker: CircuitBreaker<unknown>;
  maxConcurrent: number | undefined;
  running: number;
  mostRunning: number;
  mostActive: number;
  /** Functions that started and will never settle. */
  hung: number;
  calls: number;
  invalid: number;
  settledCallers: number;
  syncThrows: unknown[];
  typeErrors: number;
}

/** Builds the function a step calls: it keeps `run.running` and samples the bulkhead. */
function functionFor(run: Run, behaviour: Behaviour): (signal?: AbortSignal) => unknown {
  return (signal?: AbortSignal) => {
    run.running++;
    run.mostRunning = Math.max(run.mostRunning, run.running);
    run.mostActive = Math.max(run.mostActive, run.breaker.stats().bulkhead?.active ?? 0);
    const done = () => {
      run.running--;
    };
    switch (behaviour.kind) {
      case 'value':
        done();
        return 'value';
      case 'throw':
        done();
        throw behaviour.thrown;
      case 'resolve':
      case 'ignore':
        return new Promise((resolve) =>
          setTimeout(() => {
            done();
            resolve('later');
          }, behaviour.ms),
        );
      case 'reject':
        return new Promise((_resolve, reject) =>
          setTimeout(() => {
            done();
            reject(behaviour.thrown);
          }, behaviour.ms),
        );
      case 'honour':
        return new Promise((resolve, reject) => {
          let over = false;
          const timer = setTimeout(() => {
            over = true;
            done();
            resolve('later');
          }, behaviour.ms);
          const stop = () => {
            if (over) return;
            over = true;
            clearTimeout(timer);
            done();
            reject(signal?.reason);
          };
          if (signal?.aborted) stop();
          else signal?.addEventListener('abort', stop, { once: true });
        });
      case 'never':
        run.hung++;
        return new Promise(() => {});
      case 'then-getter-throws':
        done();
        return Object.defineProperty({}, 'then', {
          get() {
            throw new Error('then getter');
          },
        });
      case 'then-throws':
        done();
        return {
          // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is under test
          then() {
            throw new Error('then');
          },
        };
      case 'then-settles-twice':
        done();
        return {
          // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is under test
          then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
            resolve('first');
            reject(new Error('second'));
            resolve('third');
          },
        };
    }
  };
}

function signalFor(plan: SignalPlan): AbortSignal | undefined {
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'aborted':
      return AbortSignal.abort(new Error('aborted before'));
    case 'abort-after': {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('aborted later')), plan.ms);
      return controller.signal;
    }
    case 'look-alike':
      return { aborted: false } as unknown as AbortSignal;
  }
}

function call(run: Run, step: Extract<Step, { kind: 'call' }>): void {
  const fn = functionFor(run, step.behaviour);
  const signal = signalFor(step.signal);
  if (step.signal.kind === 'look-alike') run.invalid++;
  else run.calls++;
  let promise: Promise<unknown>;
  try {
    if (step.via === 'wrap') {
      // wrap() takes no signal; a look-alike signal goes through execute() instead.
      promise =
        signal === undefined
          ? run.breaker.wrap((_x: number) => fn())(1)
          : run.breaker.execute(fn, { signal });
    } else {
      promise = run.breaker.execute(fn, signal === undefined ? undefined : { signal });
    }
  } catch (error) {
    run.syncThrows.push(error);
    return;
  }
  promise.then(
    () => {
      run.settledCallers++;
    },
    (error: unknown) => {
      run.settledCallers++;
      if (step.signal.kind === 'look-alike' && error instanceof TypeError) run.typeErrors++;
    },
  );
}

const stepsArb = (mayHang: boolean): fc.Arbitrary<Step[]> =>
  fc.array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('call' as const),
          via: fc.constantFrom<'execute' | 'wrap'>('execute', 'wrap'),
          behaviour: behaviourArb(mayHang),
          signal: signalArb,
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          ms: fc.integer({ min: 0, max: 200 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('control' as const),
          action: fc.constantFrom<'reset' | 'isolate' | 'disable'>(
            'reset',
            'reset',
            'isolate',
            'disable',
          ),
        }),
      },
    ),
    { maxLength: 40 },
  );

// A function may hang only where a timeout ends its call for its caller, and where no caller
// can wait in the queue for its slot for good (the slot of a function that never settles is
// never free again: that is documented, and no test's business).
const mayHang = (setup: Setup): boolean =>
  setup.timeoutMs !== undefined &&
  (setup.bulkhead === undefined ||
    setup.bulkhead.maxQueue === 0 ||
    setup.bulkhead.queueTimeoutMs !== undefined);

const scenarioArb = setupArb.chain((setup) =>
  stepsArb(mayHang(setup)).map((steps) => ({ setup, steps })),
);

describe('a breaker under a random mix of hostile calls, aborts and timeouts', () => {
  it('keeps every guarantee', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ setup, steps }) => {
          vi.useFakeTimers();
          const breaker = new CircuitBreaker<unknown>(optionsOf(setup));
          const events = { success: 0, failure: 0, ignored: 0, rejected: 0, cancelled: 0 };
          for (const name of Object.keys(events) as Array<keyof typeof events>) {
            breaker.on(name, () => {
              events[name]++;
            });
          }
          breaker.on('callbackError', () => {});
          const run: Run = {
            breaker,
            maxConcurrent: setup.bulkhead?.maxConcurrent,
            running: 0,
            mostRunning: 0,
            mostActive: 0,
            hung: 0,
            calls: 0,
            invalid: 0,
            settledCallers: 0,
            syncThrows: [],
            typeErrors: 0,
          };
          for (const step of steps) {
            if (step.kind === 'call') call(run, step);
            else if (step.kind === 'control') breaker[step.action]();
            else await vi.advanceTimersByTimeAsync(step.ms);
          }
          // Long enough for every function, abort, timeout and queue timeout to have happened.
          for (let i = 0; i < 50; i++) await vi.advanceTimersByTimeAsync(100);
          vi.useRealTimers();
          // Let Node report any rejection nobody handled.
          await new Promise((resolve) => setImmediate(resolve));

          expect(run.syncThrows).toEqual([]);
          expect(unhandled).toEqual([]);
          expect(run.running).toBe(run.hung);
          if (run.maxConcurrent !== undefined) {
            expect(run.mostRunning).toBeLessThanOrEqual(run.maxConcurrent);
            expect(run.mostActive).toBeLessThanOrEqual(run.maxConcurrent);
          }
          const stats = breaker.stats();
          expect(stats.inFlight).toBe(0);
          if (stats.bulkhead !== undefined) {
            expect(stats.bulkhead).toEqual({ active: run.hung, queued: 0, lingering: run.hung });
          }
          const { totals } = stats;
          expect(
            totals.successes +
              totals.failures +
              totals.ignored +
              totals.rejected +
              totals.cancelled,
          ).toBe(run.calls);
          expect(
            events.success + events.failure + events.ignored + events.rejected + events.cancelled,
          ).toBe(run.calls);
          expect(totals.timeouts).toBeLessThanOrEqual(totals.failures);
          expect(totals.fallbacks).toBeLessThanOrEqual(totals.failures + totals.rejected);
          expect(run.settledCallers).toBe(run.calls + run.invalid);
          expect(run.typeErrors).toBe(run.invalid);
        }),
        { numRuns: 200 },
      );
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
