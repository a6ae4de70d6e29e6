// A clock that throws as a call is settled must not change what the caller gets: the function's
// value or error reaches the caller unchanged, and execute() does not throw. The clock's error
// is reported as a callbackError ('clock'), and the call is settled — counted, out of flight, and
// a half-open trial judged — as if the clock had read its last good time.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitBreakerOptions, type Permit } from '../src/index.ts';

const clockError = new Error('clock broke');

/** A clock that reads 0, or throws once `broken` is set. */
function breakableClock() {
  const clock = {
    broken: false,
    now: () => {
      if (clock.broken) throw clockError;
      return 0;
    },
  };
  return clock;
}

/** A breaker on `clock` whose callbackErrors are collected, with the options of one path. */
function breakerWith(clock: { now(): number }, options: CircuitBreakerOptions<unknown> = {}) {
  const breaker = new CircuitBreaker<unknown>({ name: 'plain-settlement', clock, ...options });
  const reported: Array<{ callback: string; error: unknown }> = [];
  breaker.on('callbackError', ({ callback, error }) => reported.push({ callback, error }));
  return { breaker, reported };
}

/** Calls `call`, telling a synchronous throw from a resolution and a rejection. */
async function outcomeOf(call: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    return { threw: error };
  }
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ rejected: error }),
  );
}

const value = { answer: 42 };
const failure = new Error('dependency down');

// Each function breaks the clock as it runs, so the settlement is the first read to throw.
const functions: Array<[string, (clock: { broken: boolean }) => unknown, unknown]> = [
  [
    'returns a value',
    (clock) => {
      clock.broken = true;
      return value;
    },
    { value },
  ],
  [
    'resolves',
    async (clock) => {
      clock.broken = true;
      return value;
    },
    { value },
  ],
  [
    'throws',
    (clock) => {
      clock.broken = true;
      throw failure;
    },
    { rejected: failure },
  ],
  [
    'rejects',
    async (clock) => {
      clock.broken = true;
      throw failure;
    },
    { rejected: failure },
  ],
];

// The ways a closed breaker reads the clock as a call on the plain path settles.
const timedOptions: Array<[string, CircuitBreakerOptions<unknown>]> = [
  ['slowCallDurationMs', { slowCallDurationMs: 1_000 }],
  ['a time window', { window: { type: 'time', durationMs: 10_000 } }],
  ['isResultFailure', { slowCallDurationMs: 1_000, isResultFailure: () => false }],
];

describe('a clock that throws as a call on the plain path settles', () => {
  for (const [way, options] of timedOptions) {
    describe(`(closed, with ${way})`, () => {
      it.each(functions)(
        'execute() of a function that %s answers with its outcome',
        async (_, fn, expected) => {
          const clock = breakableClock();
          const { breaker, reported } = breakerWith(clock, options);
          expect(await outcomeOf(() => breaker.execute(() => fn(clock)))).toEqual(expected);
          expect(reported).toEqual([{ callback: 'clock', error: clockError }]);
          clock.broken = false;
          const { inFlight, totals } = breaker.stats();
          expect(inFlight).toBe(0);
          expect(totals.successes + totals.failures).toBe(1);
        },
      );

      it.each(functions)(
        'a wrapped function that %s answers with its outcome',
        async (_, fn, expected) => {
          const clock = breakableClock();
          const { breaker, reported } = breakerWith(clock, options);
          const wrapped = breaker.wrap(() => fn(clock));
          expect(await outcomeOf(() => wrapped())).toEqual(expected);
          expect(reported.map(({ callback }) => callback)).toEqual(['clock']);
          clock.broken = false;
          expect(breaker.inFlight).toBe(0);
        },
      );
    });
  }

  it.each(functions)(
    'a half-open trial that %s is judged, and frees its slot',
    async (_, fn, expected) => {
      const clock = breakableClock();
      const { breaker, reported } = breakerWith(clock, {
        halfOpenMaxCalls: 1,
        initialState: { version: 1, state: 'open', openedAt: -1_000, openUntil: 0, attempt: 1 },
      });
      expect(await outcomeOf(() => breaker.execute(() => fn(clock)))).toEqual(expected);
      expect(reported.map(({ callback }) => callback)).toEqual(['clock']);
      clock.broken = false;
      expect(breaker.inFlight).toBe(0);
      // The trial was judged: a success closed the circuit, a failure reopened it.
      expect(breaker.state).toBe('value' in (expected as object) ? 'closed' : 'open');
    },
  );
});

describe('a clock that throws as a permit is settled', () => {
  const settlements: Array<[string, (permit: Permit) => unknown, string]> = [
    ['success()', (permit) => permit.success(), 'closed'],
    ['failure()', (permit) => permit.failure(failure), 'open'],
    [
      'failure() with retryAfterMs',
      (permit) => permit.failure(failure, { retryAfterMs: 5 }),
      'open',
    ],
    ['ignore()', (permit) => permit.ignore(), 'half-open'],
  ];

  it.each(settlements)('%s does not throw, and settles the trial', (_, settle, state) => {
    const clock = breakableClock();
    const { breaker, reported } = breakerWith(clock, {
      halfOpenMaxCalls: 1,
      initialState: { version: 1, state: 'open', openedAt: -1_000, openUntil: 0, attempt: 1 },
    });
    const trial = breaker.tryAcquire() as Permit;
    expect(breaker.state).toBe('half-open');
    clock.broken = true;
    expect(() => settle(trial)).not.toThrow();
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.every(({ callback }) => callback === 'clock')).toBe(true);
    clock.broken = false;
    expect({ state: breaker.state, inFlight: breaker.inFlight }).toEqual({ state, inFlight: 0 });
    // An ignored trial freed its slot: the next request is a trial.
    if (state === 'half-open') expect(breaker.tryAcquire()).not.toBeNull();
  });
});

describe('a clock that throws as a call is admitted', () => {
  it('on the start of a half-open trial: execute() rejects with its error, and the trial slot is free', async () => {
    let reads = 0;
    const clock = {
      now: () => {
        reads++;
        // The first read admits the trial; the second, timing it, throws.
        if (reads === 2) throw clockError;
        return 0;
      },
    };
    const { breaker } = breakerWith(clock, {
      halfOpenMaxCalls: 1,
      slowCallDurationMs: 1_000,
      initialState: { version: 1, state: 'open', openedAt: -1_000, openUntil: 0, attempt: 1 },
    });
    let called = false;
    const outcome = await outcomeOf(() =>
      breaker.execute(() => {
        called = true;
      }),
    );
    expect({ outcome, called }).toEqual({ outcome: { rejected: clockError }, called: false });
    expect(breaker.inFlight).toBe(0);
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('after a wait in the bulkhead queue: the slot it was handed goes back', async () => {
    const clock = breakableClock();
    const { breaker } = breakerWith(clock, { bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = breaker.tryAcquire() as Permit;
    const queued = outcomeOf(() => breaker.execute(() => 'ran'));
    expect(breaker.stats().bulkhead).toMatchObject({ active: 1, queued: 1 });
    // The slot passes to the waiter; before it is admitted, the circuit opens and the clock breaks.
    first.success();
    breaker.isolate();
    clock.broken = true;
    expect(await queued).toEqual({ rejected: clockError });
    clock.broken = false;
    expect(breaker.stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
  });

  it('after a wait in the bulkhead queue, through acquire(): the slot goes back', async () => {
    const clock = breakableClock();
    const { breaker } = breakerWith(clock, { bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = breaker.tryAcquire() as Permit;
    const queued = outcomeOf(() => breaker.acquire());
    first.success();
    breaker.isolate();
    clock.broken = true;
    expect(await queued).toEqual({ rejected: clockError });
    clock.broken = false;
    expect(breaker.stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
  });
});
