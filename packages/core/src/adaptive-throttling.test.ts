import { describe, expect, it } from 'vitest';
import { refusalResponse } from './http/index.ts';
import {
  adaptiveThrottling,
  BreakerRegistry,
  CircuitBreaker,
  CircuitOpenError,
  failureRateRule,
  InvalidOptionError,
  isCircuitOpenError,
  type Throttle,
  type TripRule,
} from './index.ts';

const boom = new Error('overloaded');

/**
 * A breaker with adaptive throttling on a clock the test moves, and a random source the test
 * sets: `chance` is what the next draws return.
 */
function throttled(options: Parameters<typeof adaptiveThrottling>[0] = {}, extra = {}) {
  let now = 0;
  // Draws above every probability: nothing is shed until a test lowers the chance.
  const draws = { chance: 1, count: 0 };
  const random = () => {
    draws.count++;
    return draws.chance;
  };
  const breaker = new CircuitBreaker({
    name: 'backend',
    clock: { now: () => now },
    rules: [adaptiveThrottling({ random, ...options })],
    ...extra,
  });
  const rejected: string[] = [];
  breaker.on('rejected', ({ reason }) => rejected.push(reason));
  return {
    breaker,
    draws,
    rejected,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Makes `n` calls through permits: `accepted` of them succeed, the rest fail. */
function calls(breaker: CircuitBreaker, n: number, accepted: number) {
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const permit = breaker.tryAcquire();
    if (permit === null) refused++;
    else if (i < accepted) permit.success(1);
    else permit.failure(boom, 1);
  }
  return refused;
}

describe('adaptiveThrottling', () => {
  it('lets every call through while the dependency accepts them all', () => {
    const { breaker, draws } = throttled();
    expect(calls(breaker, 1_000, 1_000)).toBe(0);
    expect(draws.count).toBe(0); // no chance is drawn while nothing is to be shed
    expect(breaker.state).toBe('closed');
  });

  it('sheds with probability (requests - k × accepts) / (requests + 1)', () => {
    const { breaker, draws, rejected } = throttled({ k: 1.5 });
    calls(breaker, 100, 40); // 100 requests, 40 accepts: p = (100 - 60) / 101
    const p = 40 / 101;
    draws.chance = p + 1e-9;
    expect(breaker.tryAcquire()).not.toBeNull(); // a draw above p passes
    // The call that passed is in flight: it is counted when it ends, so p is unchanged.
    draws.chance = p - 1e-9;
    expect(breaker.tryAcquire()).toBeNull(); // a draw below p is shed
    expect(rejected).toEqual(['throttled']);
    // The shed call is a request that was not accepted: p grows to (101 - 60) / 102.
    draws.chance = 41 / 102 - 1e-9;
    expect(breaker.tryAcquire()).toBeNull();
    draws.chance = 42 / 103 + 1e-9;
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('refuses with a CircuitOpenError that says throttled, and a short retry', async () => {
    const { breaker, draws } = throttled();
    calls(breaker, 100, 0);
    draws.chance = 0;
    expect(breaker.tryAcquire()).toBeNull();
    const error = breaker.openError();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({
      code: 'ERR_CIRCUIT_OPEN',
      breakerName: 'backend',
      reason: 'throttled',
      retryAfterMs: 1_000,
      message:
        'Circuit "backend" shed this call: its dependency accepts fewer calls than it is sent',
    });
    const fn = async () => 'called';
    const refused = await breaker.execute(fn).catch((e: unknown) => e);
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(refused).toMatchObject({ reason: 'throttled' });
    expect(breaker.stats().totals).toMatchObject({ rejected: 2, failures: 100, successes: 0 });
    // What a server adapter answers: 503, retry in a second.
    const response = refusalResponse(error as CircuitOpenError);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
  });

  it('is answered by the fallback, as any refusal is', async () => {
    const { breaker, draws } = throttled({}, { fallback: () => 'cached' });
    calls(breaker, 100, 0);
    draws.chance = 0;
    await expect(breaker.execute(async () => 'fresh')).resolves.toBe('cached');
    expect(breaker.stats().totals).toMatchObject({ rejected: 1, fallbacks: 1 });
  });

  it('waits for minimumRequests before shedding anything', () => {
    const { breaker, draws } = throttled({ minimumRequests: 50 });
    draws.chance = 0;
    expect(calls(breaker, 49, 0)).toBe(0);
    expect(calls(breaker, 1, 0)).toBe(0); // the 50th call is asked about with 49 counted
    expect(breaker.tryAcquire()).toBeNull();
  });

  it('forgets what has left its window', () => {
    const { breaker, draws, advance } = throttled({ windowMs: 1_000, buckets: 10 });
    calls(breaker, 100, 0);
    draws.chance = 0;
    expect(breaker.tryAcquire()).toBeNull();
    advance(999);
    expect(breaker.tryAcquire()).toBeNull();
    advance(101); // every slice counted so far has aged out
    expect(calls(breaker, 10, 10)).toBe(0);
  });

  it('sheds nothing in the states that do not admit calls by it', () => {
    const { breaker, draws } = throttled({}, {});
    calls(breaker, 100, 0);
    draws.chance = 0;
    breaker.disable(); // everything passes, and is still measured
    expect(calls(breaker, 100, 0)).toBe(0);
    breaker.reset();
    // The measure outlives state changes: the dependency's capacity did not change.
    expect(breaker.tryAcquire()).toBeNull();
  });

  it('adds to an opening rule, and stays out of the half-open trials', () => {
    let now = 0;
    let chance = 0;
    const breaker = new CircuitBreaker({
      clock: { now: () => now },
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
      rules: [
        adaptiveThrottling({ random: () => chance, minimumRequests: 1 }),
        failureRateRule({ threshold: 90, minimumCalls: 10 }),
      ],
    });
    const reasons: string[] = [];
    breaker.on('rejected', ({ reason }) => reasons.push(reason));
    breaker.on('stateChange', ({ to }) => reasons.push(to));
    chance = 1; // nothing is shed while the failures add up
    calls(breaker, 10, 0);
    expect(breaker.state).toBe('open');
    now += 1_000;
    chance = 0;
    const trial = breaker.tryAcquire(); // half-open: the throttle is not asked
    expect(trial).not.toBeNull();
    trial?.success(1);
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBeNull(); // closed again, and throttling: 10 of 10 failed
    expect(reasons).toEqual(['open', 'half-open', 'closed', 'throttled']);
  });

  it('keeps its counts per breaker, even when breakers share the rule', () => {
    let chance = 0;
    const rule = adaptiveThrottling({ random: () => chance, minimumRequests: 1 });
    const registry = new BreakerRegistry({ defaults: { rules: [rule] } });
    chance = 1;
    calls(registry.get('failing'), 50, 0);
    chance = 0;
    expect(registry.get('failing').tryAcquire()).toBeNull();
    expect(registry.get('healthy').tryAcquire()).not.toBeNull();
  });

  it('a throttle that throws lets the call through and is reported', () => {
    const bug = new Error('throttle bug');
    const broken: TripRule = {
      name: 'broken',
      throttle: (): Throttle => ({
        shouldThrottle: () => {
          throw bug;
        },
        record: () => {
          throw bug;
        },
      }),
    };
    const breaker = new CircuitBreaker({ rules: [failureRateRule(), broken] });
    const reported: string[] = [];
    breaker.on('callbackError', ({ callback, error }) => {
      expect(error).toBe(bug);
      reported.push(callback);
    });
    const permit = breaker.tryAcquire();
    expect(permit).not.toBeNull();
    permit?.success();
    expect(reported).toEqual(['rules[1].throttle().shouldThrottle', 'rules[1].throttle().record']);
    expect(breaker.stats().totals.successes).toBe(1);
  });

  it('a throttle of your own sheds as it says', () => {
    let budget = 2;
    const twoCalls: TripRule = {
      name: 'two-calls',
      throttle: () => ({ shouldThrottle: () => budget-- <= 0, record: () => {} }),
    };
    const breaker = new CircuitBreaker({ rules: [twoCalls] });
    expect(calls(breaker, 5, 5)).toBe(3);
    expect(breaker.openError()).toMatchObject({ reason: 'throttled' });
  });

  it.each([
    [{ k: 0.9 }, 'adaptiveThrottling.k', 'a number in [1, 10]'],
    [{ k: 11 }, 'adaptiveThrottling.k', 'a number in [1, 10]'],
    [{ k: Number.NaN }, 'adaptiveThrottling.k', 'a number in [1, 10]'],
    [{ windowMs: 0 }, 'adaptiveThrottling.windowMs', 'milliseconds > 0'],
    [{ buckets: 1_001 }, 'adaptiveThrottling.buckets', '<= 1000'],
    [{ minimumRequests: 0 }, 'adaptiveThrottling.minimumRequests', 'an integer >= 1'],
    [{ random: 0.5 }, 'adaptiveThrottling.random', 'a function'],
    [{ K: 2 }, 'adaptiveThrottling.K', 'no such option; allowed: k, windowMs'],
  ])('refuses bad options with an error naming them (%o)', (options, option, expected) => {
    let error: unknown;
    try {
      adaptiveThrottling(options as never);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option });
    expect((error as InvalidOptionError).expected).toContain(expected);
  });

  it.each([
    [
      () => {
        throw new Error('no throttle today');
      },
      '(it threw)',
    ],
    [() => ({ shouldThrottle: () => false }), '(it returned [object Object])'],
    [() => undefined, '(it returned undefined)'],
  ])('refuses a rule whose throttle() makes no throttle (%#)', (throttle, why) => {
    let error: unknown;
    try {
      new CircuitBreaker({
        name: 'checked',
        rules: [{ name: 'odd', throttle } as unknown as TripRule],
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: 'rules[0].throttle' });
    expect((error as InvalidOptionError).expected).toContain(why);
    expect((error as Error).message).toContain('of circuit "checked"');
  });

  it('has defaults', () => {
    expect(adaptiveThrottling()).toMatchObject({
      name: 'adaptive-throttling',
      k: 1.15,
      windowMs: 10_000,
      buckets: 10,
      minimumRequests: 20,
    });
  });
});

// What it does for a dependency short of capacity: it sends about k times what the dependency
// accepts, and the dependency refuses the rest.
describe('adaptiveThrottling against a dependency short of capacity', () => {
  it.each([1.1, 1.5, 2])('sends about k × the accepted calls (k = %d)', (k) => {
    let now = 0;
    let seed = 1;
    const random = () => {
      // A small linear congruential sequence: reproducible, and spread enough for this.
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const breaker = new CircuitBreaker({
      clock: { now: () => now },
      rules: [adaptiveThrottling({ k, random })],
    });
    // 1,000 calls a second for a minute, to a dependency that can take 500 a second: a token
    // bucket refilled at 0.5 a millisecond, holding up to 10.
    let tokens = 10;
    let sent = 0;
    let accepted = 0;
    for (let t = 0; t < 60_000; t++) {
      now = t;
      tokens = Math.min(10, tokens + 0.5);
      const permit = breaker.tryAcquire();
      if (permit === null) continue;
      sent++;
      if (tokens >= 1) {
        tokens--;
        accepted++;
        permit.success();
      } else permit.failure(boom);
    }
    // Offered twice the capacity, it sends k times what is accepted (all of it for k = 2).
    expect(accepted / 60).toBeGreaterThan(490);
    expect(sent / accepted).toBeGreaterThan(k * 0.97);
    expect(sent / accepted).toBeLessThan(k * 1.03);
  });
});
