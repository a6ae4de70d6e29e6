// Options may have getters, or be proxies, that answer a valid value when checked and another
// when used. A breaker reads each option once — takes the value, checks it, uses that value — so
// it runs with what it checked, however the options answer later; never with a value it did not
// check. These tests try to slip an unchecked value past the check.
import { describe, expect, it } from 'vitest';
import {
  adaptiveThrottling,
  type BreakerSnapshot,
  type BreakerStore,
  CircuitBreaker,
  type CircuitBreakerOptions,
  consecutiveFailuresRule,
  exponentialBackoff,
  failureRateRule,
  type Permit,
  slowCallRateRule,
  type TripRule,
} from '../src/index.ts';
import { inertBinding } from './support/inert-binding.ts';
import { ReadCounter, shifting } from './support/read-counter.ts';

const binding = inertBinding();

/** Opens a breaker with `consecutiveFailures: 1`-like rules by failing one call. */
function fail(breaker: CircuitBreaker): void {
  (breaker.tryAcquire() as Permit).failure(new Error('down'));
}

/** Uses a breaker the ways that read its options at run time: calls, a trip, stats, a snapshot. */
async function use(breaker: CircuitBreaker<unknown>): Promise<void> {
  breaker.on('callbackError', () => {});
  const settle = (how: (permit: Permit) => unknown) => {
    const permit = breaker.tryAcquire();
    if (permit !== null) how(permit);
  };
  await breaker.execute(() => 'ok').catch(() => {});
  for (let i = 0; i < 3; i++) settle((permit) => permit.failure(new Error('down')));
  breaker.stats();
  breaker.toJSON();
  breaker.reset();
  await breaker.execute(async () => 'ok').catch(() => {});
  settle((permit) => permit.success());
}

describe('breaker options, each read once', () => {
  it('with rules: no option, nor any property of one, is read twice, in building or in use', async () => {
    const counter = new ReadCounter();
    const w = counter.watch.bind(counter);
    let t = 0;
    const store: BreakerStore = { bind: () => binding };
    const rules = w(
      [
        w({ name: 'custom', shouldOpen: () => true }, 'rules[0].'),
        w(
          {
            name: 'shed',
            throttle: () => w({ shouldThrottle: () => false, record() {} }, 'throttle.'),
          },
          'rules[1].',
        ),
      ],
      'rules.',
    );
    const options = w(
      {
        name: 'read-once',
        window: w({ type: 'time' as const, durationMs: 10_000, buckets: 5 }, 'window.'),
        slowCallDurationMs: 1_000,
        rules,
        openDurationMs: w({ initialMs: 1_000, maxMs: 4_000, factor: 2, jitter: 0 }, 'backoff.'),
        halfOpenMaxCalls: 2,
        halfOpenTimeoutMs: 5_000,
        timeoutMs: 1_000,
        isFailure: () => true,
        isResultFailure: () => false,
        fallback: () => 'fallback',
        bulkhead: w({ maxConcurrent: 2, maxQueue: 1, queueTimeoutMs: 100 }, 'bulkhead.'),
        // The clock is read live, on purpose (see 'clock, read live' below): not watched.
        clock: { now: () => t++, wallNow: () => 1e12 + t },
        initialState: w(
          { version: 1, state: 'closed' } as BreakerSnapshot,
          'initialState.',
        ) as BreakerSnapshot,
        store: w(store, 'store.'),
      },
      '',
    ) as CircuitBreakerOptions<unknown>;
    await use(new CircuitBreaker<unknown>(options));
    expect(counter.readTwice()).toEqual({});
  });

  it('with shorthands: no option is read twice', async () => {
    const counter = new ReadCounter();
    const options = counter.watch(
      {
        name: 'read-once',
        minimumCalls: 1,
        failureRateThreshold: 50,
        consecutiveFailures: 1,
        slowCallDurationMs: 1_000,
        slowCallRateThreshold: 80,
        openDurationMs: (attempt: number) => attempt * 1_000,
        initialState: {
          version: 1,
          state: 'open',
          openedAt: 0,
          openUntil: 10,
          attempt: 1,
        } as const,
        store: { bind: () => binding },
        clock: { now: () => 0 },
      },
      '',
    );
    await use(new CircuitBreaker<unknown>(options));
    expect(counter.readTwice()).toEqual({});
  });

  it('name: the one checked is the breaker name', () => {
    const options = shifting({} as CircuitBreakerOptions, 'name', 'payments', 42);
    expect(new CircuitBreaker(options).name).toBe('payments');
    expect(options.reads).toBe(1);
  });

  it('slowCallDurationMs: a call is slow, or not, as the value checked says', async () => {
    // Checked as not set: no call is slow, whatever the option says afterwards.
    const options = shifting(
      { clock: { now: () => 0 }, slowCallRateThreshold: 50, minimumCalls: 1 },
      'slowCallDurationMs',
      undefined,
      1,
    );
    const breaker = new CircuitBreaker(options);
    (breaker.tryAcquire() as Permit).success(5_000);
    expect(breaker.stats()).toMatchObject({ state: 'closed', slowCalls: 0 });
  });

  it('initialState: the breaker starts in the state checked', () => {
    const options = shifting(
      {} as CircuitBreakerOptions,
      'initialState',
      { version: 1, state: 'closed' },
      {
        version: 1,
        state: 'forced-open',
      },
    );
    expect(new CircuitBreaker(options).state).toBe('closed');
  });

  it('rules: the list checked is the list used', () => {
    const options = shifting({} as CircuitBreakerOptions, 'rules', [failureRateRule()], 'no rules');
    expect(() => new CircuitBreaker(options)).not.toThrow();
  });

  it('store: a breaker is bound to the store checked, or to none', () => {
    let bound = 0;
    const store: BreakerStore = {
      bind: () => {
        bound++;
        return binding;
      },
    };
    new CircuitBreaker(shifting({} as CircuitBreakerOptions, 'store', undefined, store));
    expect(bound).toBe(0);
  });

  it('store.bind: the function checked is the one called', () => {
    let bound = 0;
    const store = shifting(
      {},
      'bind',
      () => {
        bound++;
        return binding;
      },
      'not a function',
    ) as unknown as BreakerStore;
    expect(() => new CircuitBreaker({ store })).not.toThrow();
    expect(bound).toBe(1);
  });
});

describe('clock, read live', () => {
  // Every reading is checked where it is used, so nothing unchecked can slip in through a
  // clock; reading its methods live keeps `vi.spyOn(clock, 'now')` after construction working.
  it('a method replaced after the breaker was built is the one read', () => {
    const clock = { now: () => 1_000, wallNow: () => 5_000 };
    const breaker = new CircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 500 });
    clock.now = () => 2_000;
    clock.wallNow = () => 9_000;
    fail(breaker);
    expect(breaker.toJSON()).toMatchObject({ state: 'open', openedAt: 2_000, openUntil: 2_500 });
    expect(breaker.stats().openedAt).toBe(9_000);
  });

  it('a now() that turns into no function fails as a clock that throws: nothing leaks', async () => {
    const clock = shifting({}, 'now', () => 1_000, 'not a function') as unknown as {
      now(): number;
    };
    const breaker = new CircuitBreaker({ clock, consecutiveFailures: 1, openDurationMs: 500 });
    const reported: string[] = [];
    breaker.on('callbackError', (e) => reported.push(e.callback));
    fail(breaker);
    expect(reported).toEqual(['clock']);
    expect(breaker.state).toBe('open');
    reported.length = 0;
    await expect(breaker.execute(() => 'ok')).rejects.toBeInstanceOf(TypeError);
    expect(breaker.stats()).toMatchObject({ state: 'open', inFlight: 0 });
    // stats(), read by every metrics scrape, reports the clock rather than throwing.
    expect(reported).toEqual(['clock']);
  });

  it('a wallNow that turns into no function leaves openedAt on the breaker clock', () => {
    const clock = shifting({ now: () => 1_000 }, 'wallNow', () => 5_000, 'not a function');
    const breaker = new CircuitBreaker({ clock, consecutiveFailures: 1 });
    fail(breaker);
    expect(breaker.stats().openedAt).toBe(1_000);
  });
});

describe('openDurationMs, read once', () => {
  it("a backoff's maxMs checked is the one that caps the durations", () => {
    let t = 0;
    const backoff = shifting({ initialMs: 1_000, factor: 2 }, 'maxMs', 4_000, 1e9);
    const breaker = new CircuitBreaker({
      clock: { now: () => t },
      consecutiveFailures: 1,
      halfOpenMaxCalls: 1,
      openDurationMs: backoff as unknown as { initialMs: number; maxMs: number },
    });
    const durations: number[] = [];
    breaker.on('stateChange', ({ to, openUntil }) => {
      if (to === 'open') durations.push((openUntil as number) - t);
    });
    fail(breaker);
    for (let attempt = 2; attempt <= 5; attempt++) {
      t += durations.at(-1) as number;
      fail(breaker); // the trial fails: the circuit opens for the next duration
    }
    expect(durations).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(backoff.reads).toBe(1);
  });

  it('exponentialBackoff() uses the options it checked', () => {
    const options = shifting({ initialMs: 1_000 }, 'maxMs', 4_000, 1e9);
    const durationFor = exponentialBackoff(
      options as unknown as { initialMs: number; maxMs: number },
    );
    expect(durationFor(5)).toBe(4_000);
    expect(options.reads).toBe(1);
  });

  it("a function's first answer, checked, is what a later answer that is no duration falls back to", () => {
    let t = 0;
    let calls = 0;
    const breaker = new CircuitBreaker({
      clock: { now: () => t },
      consecutiveFailures: 1,
      // Checked on its first call; nonsense from then on.
      openDurationMs: () => (calls++ === 0 ? 1_000 : Number.NaN),
    });
    breaker.on('callbackError', () => {});
    fail(breaker);
    t = 999;
    expect(breaker.tryAcquire()).toBeNull();
    t = 1_000;
    expect(breaker.tryAcquire()).not.toBeNull();
  });
});

describe('rules, read once', () => {
  it('the length of the list checked is the number of rules asked', () => {
    let asked = 0;
    const rule: TripRule = {
      name: 'counting',
      shouldOpen: () => {
        asked++;
        return false;
      },
    };
    const list = Array.from({ length: 17 }, () => rule);
    let lengthReads = 0;
    // At most 16 rules are allowed: the list says 1 when checked, 17 after.
    const rules = new Proxy(list, {
      get: (target, key, receiver) =>
        key === 'length' ? (lengthReads++ === 0 ? 1 : 17) : Reflect.get(target, key, receiver),
    });
    const breaker = new CircuitBreaker({ rules, clock: { now: () => 0 } });
    fail(breaker);
    expect(asked).toBe(1);
  });

  it("a rule's name checked is the name it is known by", () => {
    const rule = shifting({ shouldOpen: () => true }, 'name', 'custom', 'x'.repeat(100_000));
    const breaker = new CircuitBreaker({ rules: [rule as unknown as TripRule] });
    const opened: unknown[] = [];
    breaker.on('stateChange', (change) => opened.push(change.rule));
    fail(breaker);
    expect(opened).toEqual(['custom']);
    expect(rule.reads).toBe(1);
  });

  it("a rule's shouldOpen checked is the function asked", () => {
    const rule = shifting({ name: 'always' }, 'shouldOpen', () => true, 'not a function');
    const breaker = new CircuitBreaker({ rules: [rule as unknown as TripRule] });
    breaker.on('callbackError', (e) => expect.fail(`reported ${e.callback}: ${String(e.error)}`));
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  it("a rule's shouldOpen is asked as a method of the rule", () => {
    const rule = {
      name: 'stateful',
      limit: 1,
      shouldOpen(this: { limit: number }, counts: { failures: number }) {
        return counts.failures >= this.limit;
      },
    };
    const breaker = new CircuitBreaker({ rules: [rule as TripRule] });
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  it("a rule's throttle, and the throttle's methods, checked are the functions called", () => {
    const throttle = shifting({ record() {} }, 'shouldThrottle', () => true, 'not a function');
    const rule = shifting({ name: 'shed-all' }, 'throttle', () => throttle, 'not a function');
    const breaker = new CircuitBreaker({ rules: [rule as unknown as TripRule] });
    breaker.on('callbackError', (e) => expect.fail(`reported ${e.callback}: ${String(e.error)}`));
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.openError()).toMatchObject({ reason: 'throttled' });
    expect({ rule: rule.reads, throttle: throttle.reads }).toEqual({ rule: 1, throttle: 1 });
  });
});

describe('rule factories, each option read once', () => {
  it.each([
    ['failureRateRule', () => failureRateRule, { threshold: 25, minimumCalls: 5 }],
    ['slowCallRateRule', () => slowCallRateRule, { threshold: 25, minimumCalls: 5 }],
    ['consecutiveFailuresRule', () => consecutiveFailuresRule, { failures: 3 }],
    [
      'adaptiveThrottling',
      () => adaptiveThrottling,
      { k: 2, windowMs: 1_000, buckets: 5, minimumRequests: 10, random: () => 0.5 },
    ],
  ] as const)('%s', (_, factory, options) => {
    const counter = new ReadCounter();
    (factory() as (options: object) => TripRule)(counter.watch({ ...options }, ''));
    expect(counter.readTwice()).toEqual({});
  });
});
