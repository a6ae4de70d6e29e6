import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../test/support/memory-store.ts';
import {
  BreakerRegistry,
  CircuitBreaker,
  type CircuitBreakerOptions,
  consecutiveFailuresRule,
  failureRateRule,
  InvalidOptionError,
  slowCallRateRule,
  type TripCounts,
  type TripRule,
} from './index.ts';

const boom = new Error('boom');

function breakerOn(options: CircuitBreakerOptions) {
  let now = 0;
  const clock = { now: () => now };
  const breaker = new CircuitBreaker({ clock, ...options });
  const changes: Array<Record<string, unknown>> = [];
  const reported: Array<{ callback: string; error: unknown }> = [];
  breaker.on('stateChange', (change) => changes.push({ ...change }));
  breaker.on('callbackError', ({ callback, error }) => reported.push({ callback, error }));
  return {
    breaker,
    changes,
    reported,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function settle(breaker: CircuitBreaker, outcomes: string) {
  for (const outcome of outcomes) {
    const permit = breaker.tryAcquire();
    if (permit === null) throw new Error(`refused in state ${breaker.state}`);
    if (outcome === 'f') permit.failure(boom, 1);
    else if (outcome === 's') permit.success(5_000);
    else permit.success(1);
  }
}

describe('the built-in rules', () => {
  it('open a breaker with no rules option as the shorthands say', () => {
    const { breaker, changes } = breakerOn({ failureRateThreshold: 40, minimumCalls: 5 });
    settle(breaker, 'ooof');
    expect(breaker.state).toBe('closed'); // 4 calls: below minimumCalls
    settle(breaker, 'f');
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([expect.objectContaining({ reason: 'failure-rate', attempt: 1 })]);
    expect(changes[0]).not.toHaveProperty('rule');
  });

  it('failureRateRule opens at its threshold once the window holds minimumCalls', () => {
    const { breaker, changes } = breakerOn({
      rules: [failureRateRule({ threshold: 25, minimumCalls: 4 })],
    });
    settle(breaker, 'ooo');
    settle(breaker, 'f'); // 1 of 4 = 25 %
    expect(breaker.state).toBe('open');
    expect(changes[0]).toMatchObject({ reason: 'failure-rate' });
  });

  it('slowCallRateRule counts calls at least slowCallDurationMs long', () => {
    const { breaker, changes } = breakerOn({
      slowCallDurationMs: 1_000,
      rules: [slowCallRateRule({ threshold: 50, minimumCalls: 2 })],
    });
    settle(breaker, 'ff'); // failures, but fast: this rule does not care
    expect(breaker.state).toBe('closed');
    settle(breaker, 'ss'); // 2 of 4 slow
    expect(breaker.state).toBe('open');
    expect(changes[0]).toMatchObject({ reason: 'slow-call-rate' });
  });

  it('consecutiveFailuresRule opens on a run of failures, which a success breaks', () => {
    const { breaker, changes } = breakerOn({ rules: [consecutiveFailuresRule({ failures: 3 })] });
    settle(breaker, 'ffoff');
    expect(breaker.state).toBe('closed');
    settle(breaker, 'f');
    expect(breaker.state).toBe('open');
    expect(changes[0]).toMatchObject({ reason: 'consecutive-failures' });
  });

  it('wait for no more calls than a count window holds', () => {
    const { breaker } = breakerOn({
      window: { type: 'count', size: 4 },
      rules: [failureRateRule({ minimumCalls: 1_000 })],
    });
    settle(breaker, 'offf'); // the window is full: 3 of 4 failed
    expect(breaker.state).toBe('open');
  });

  it('have defaults, and are plain values a registry may share', () => {
    expect(failureRateRule()).toMatchObject({
      name: 'failure-rate',
      threshold: 50,
      minimumCalls: 10,
    });
    expect(slowCallRateRule({ threshold: 80 })).toMatchObject({
      name: 'slow-call-rate',
      threshold: 80,
      minimumCalls: 10,
    });
    expect(consecutiveFailuresRule({ failures: 5 })).toMatchObject({
      name: 'consecutive-failures',
      failures: 5,
    });
    const rules = [failureRateRule({ minimumCalls: 2 })];
    const registry = new BreakerRegistry({ defaults: { rules } });
    settle(registry.get('a'), 'ff');
    expect(registry.get('a').state).toBe('open');
    expect(registry.get('b').state).toBe('closed');
  });

  it.each([
    [
      () => failureRateRule({ threshold: 0 }),
      'failureRateRule.threshold',
      'a percentage in (0, 100]',
    ],
    [() => failureRateRule({ threshold: 101 }), 'failureRateRule.threshold', 'a percentage'],
    [
      () => slowCallRateRule({ minimumCalls: 0 }),
      'slowCallRateRule.minimumCalls',
      'an integer >= 1',
    ],
    [
      () => slowCallRateRule({ minimumCalls: 1_000_001 }),
      'slowCallRateRule.minimumCalls',
      '<= 1000000',
    ],
    [
      () => failureRateRule({ treshold: 5 } as never),
      'failureRateRule.treshold',
      'no such option; allowed: threshold, minimumCalls',
    ],
    [() => failureRateRule(null as never), 'failureRateRule', 'an object'],
    [
      () => consecutiveFailuresRule({ failures: 1.5 }),
      'consecutiveFailuresRule.failures',
      'integer',
    ],
    [() => consecutiveFailuresRule({} as never), 'consecutiveFailuresRule.failures', 'integer'],
    [
      () => consecutiveFailuresRule(5 as never),
      'consecutiveFailuresRule',
      'an object { failures }',
    ],
  ])('refuse bad options with an error naming them (%#)', (build, option, expected) => {
    let error: unknown;
    try {
      build();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option });
    expect((error as InvalidOptionError).expected).toContain(expected);
  });
});

describe('the rules option', () => {
  it('replaces the default rules: a user rule alone decides', () => {
    const threeFailures: TripRule = {
      name: 'three-failures',
      shouldOpen: (counts) => counts.failures >= 3,
    };
    const { breaker, changes } = breakerOn({ rules: [threeFailures] });
    // Ten failures in twenty calls would open a default breaker; 2 failures do not open this one.
    settle(breaker, 'fofoooooo');
    expect(breaker.state).toBe('closed');
    settle(breaker, 'f');
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([
      expect.objectContaining({
        from: 'closed',
        to: 'open',
        reason: 'trip-rule',
        rule: 'three-failures',
        attempt: 1,
      }),
    ]);
  });

  it('gives a rule the window’s counts, and asks it after every call recorded while closed', () => {
    const seen: TripCounts[] = [];
    const spy: TripRule = {
      name: 'spy',
      shouldOpen: (counts) => {
        seen.push({ ...counts });
        return false;
      },
    };
    const { breaker } = breakerOn({
      window: { type: 'count', size: 3 },
      slowCallDurationMs: 1_000,
      rules: [spy],
    });
    settle(breaker, 'fsfo');
    breaker.tryAcquire()?.ignore(); // an ignored call is not recorded
    expect(seen).toEqual([
      { calls: 1, failures: 1, slowCalls: 0, capacity: 3, consecutiveFailures: 1 },
      { calls: 2, failures: 1, slowCalls: 1, capacity: 3, consecutiveFailures: 0 },
      { calls: 3, failures: 2, slowCalls: 1, capacity: 3, consecutiveFailures: 1 },
      { calls: 3, failures: 1, slowCalls: 1, capacity: 3, consecutiveFailures: 0 },
    ]);
  });

  it('gives a time window’s counts an unbounded capacity', () => {
    let capacity: number | undefined;
    const { breaker } = breakerOn({
      window: { type: 'time', durationMs: 1_000 },
      rules: [
        {
          name: 'capacity',
          shouldOpen: (counts) => {
            capacity = counts.capacity;
            return false;
          },
        },
      ],
    });
    settle(breaker, 'o');
    expect(capacity).toBe(Number.POSITIVE_INFINITY);
  });

  it('asks the rules in order and opens for the first that says so', () => {
    const asked: string[] = [];
    const rule = (name: string, opens: boolean): TripRule => ({
      name,
      shouldOpen: () => {
        asked.push(name);
        return opens;
      },
    });
    const { breaker, changes } = breakerOn({
      rules: [rule('a', false), rule('b', true), rule('c', true)],
    });
    settle(breaker, 'o');
    expect(asked).toEqual(['a', 'b']);
    expect(changes[0]).toMatchObject({ reason: 'trip-rule', rule: 'b' });
  });

  it('does not ask the rules outside the closed state', () => {
    let asked = 0;
    const { breaker } = breakerOn({
      rules: [
        {
          name: 'counter',
          shouldOpen: () => {
            asked++;
            return false;
          },
        },
      ],
    });
    breaker.disable();
    settle(breaker, 'fff');
    breaker.isolate();
    breaker.reset();
    expect(asked).toBe(0);
    settle(breaker, 'f');
    expect(asked).toBe(1);
  });

  it('reports a rule that throws, counts it as "do not open", and asks the next', () => {
    const bug = new Error('rule bug');
    const { breaker, changes, reported } = breakerOn({
      rules: [
        {
          name: 'buggy',
          shouldOpen: () => {
            throw bug;
          },
        },
        failureRateRule({ minimumCalls: 2 }),
      ],
    });
    settle(breaker, 'o');
    expect(breaker.state).toBe('closed');
    expect(reported).toEqual([{ callback: 'rules[0].shouldOpen', error: bug }]);
    settle(breaker, 'f');
    expect(breaker.state).toBe('open');
    expect(changes[0]).toMatchObject({ reason: 'failure-rate' });
  });

  it('reports a rule that answers a promise (an async shouldOpen), and does not open for it', () => {
    const { breaker, reported } = breakerOn({
      rules: [{ name: 'async', shouldOpen: (async () => false) as unknown as () => boolean }],
    });
    settle(breaker, 'oo');
    expect(breaker.state).toBe('closed');
    expect(reported).toHaveLength(2);
    expect(reported[0]).toMatchObject({ callback: 'rules[0].shouldOpen' });
    expect(String(reported[0]?.error)).toMatch(/shouldOpen returned a promise/);
  });

  it('never opens with an empty list, but still measures', () => {
    const { breaker } = breakerOn({ rules: [] });
    settle(breaker, 'ffffffffffffffffffff');
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ failures: 20, failureRate: 100 });
  });

  it('judges the fleet’s counts with the same rules, with no run of failures', () => {
    const store = new MemoryStore();
    const seen: TripCounts[] = [];
    const fleetRule: TripRule = {
      name: 'fleet-failures',
      shouldOpen: (counts) => {
        seen.push({ ...counts });
        return counts.consecutiveFailures === undefined && counts.failures >= 4;
      },
    };
    const now = 0;
    const make = () =>
      new CircuitBreaker({ name: 'shared', clock: { now: () => now }, store, rules: [fleetRule] });
    const [a, b] = [make(), make()];
    settle(a, 'ff');
    settle(b, 'f');
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    settle(b, 'f'); // the fourth failure of the fleet
    expect([a.state, b.state]).toEqual(['open', 'open']);
    expect(seen.at(-1)).toEqual({
      calls: 4,
      failures: 4,
      slowCalls: 0,
      capacity: Number.POSITIVE_INFINITY,
      consecutiveFailures: undefined,
    });
  });

  it.each([
    [{ rules: 'failure-rate' }, 'rules', 'an array of trip rules'],
    [{ rules: Array.from({ length: 17 }, () => failureRateRule()) }, 'rules', 'at most 16'],
    [{ rules: [null] }, 'rules[0]', 'an object { name, shouldOpen(counts) }'],
    [{ rules: [failureRateRule(), { shouldOpen: () => true }] }, 'rules[1].name', 'non-empty'],
    [{ rules: [{ name: '', shouldOpen: () => true }] }, 'rules[0].name', 'non-empty'],
    [{ rules: [{ name: 'x'.repeat(101), shouldOpen: () => true }] }, 'rules[0].name', '100'],
    [{ rules: [{ name: 'idle' }] }, 'rules[0]', 'neither shouldOpen nor throttle'],
    [
      { rules: [{ name: 'x', shouldOpen: true }] },
      'rules[0].shouldOpen',
      'a function (counts) => boolean',
    ],
    [{ rules: [{ name: 'x', throttle: {} }] }, 'rules[0].throttle', 'a function returning'],
    [
      { rules: [failureRateRule()], failureRateThreshold: 30 },
      'failureRateThreshold',
      'no shorthand beside `rules`',
    ],
    [{ rules: [], minimumCalls: 5 }, 'minimumCalls', 'no shorthand beside `rules`'],
    [
      { rules: [failureRateRule()], consecutiveFailures: 3 },
      'consecutiveFailures',
      'consecutiveFailuresRule',
    ],
    [{ rules: [], slowCallRateThreshold: 30 }, 'slowCallRateThreshold', 'slowCallRateRule'],
  ])('refuses a bad rules option with an error naming it (%#)', (options, option, expected) => {
    let error: unknown;
    try {
      new CircuitBreaker({ name: 'checked', ...(options as CircuitBreakerOptions) });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option });
    expect((error as InvalidOptionError).expected).toContain(expected);
    expect((error as Error).message).toContain('of circuit "checked"');
  });
});

describe('the shorthands and the rules they stand for', () => {
  // Two breakers, one built with the shorthand options and one with the rules they describe,
  // take the same random outcomes, clock steps and controls, and must agree on everything.
  it('behave alike on any sequence of calls', () => {
    const step = fc.oneof(
      fc.constantFrom('o', 'f', 's', 'i', 'reset', 'isolate', 'disable'),
      fc.integer({ min: 1, max: 3_000 }),
    );
    fc.assert(
      fc.property(
        fc.record({
          failureRateThreshold: fc.integer({ min: 1, max: 100 }),
          slowCallRateThreshold: fc.integer({ min: 1, max: 100 }),
          minimumCalls: fc.integer({ min: 1, max: 12 }),
          consecutiveFailures: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
          window: fc.oneof(
            fc.record({
              type: fc.constant('count' as const),
              size: fc.integer({ min: 1, max: 10 }),
            }),
            fc.record({
              type: fc.constant('time' as const),
              durationMs: fc.integer({ min: 100, max: 5_000 }),
            }),
          ),
        }),
        fc.array(step, { maxLength: 80 }),
        (shorthands, steps) => {
          let now = 0;
          const clock = { now: () => now };
          const common = { clock, window: shorthands.window, slowCallDurationMs: 100 };
          const { consecutiveFailures, minimumCalls } = shorthands;
          const viaShorthands = new CircuitBreaker({
            ...common,
            failureRateThreshold: shorthands.failureRateThreshold,
            slowCallRateThreshold: shorthands.slowCallRateThreshold,
            minimumCalls,
            ...(consecutiveFailures === undefined ? {} : { consecutiveFailures }),
          });
          const viaRules = new CircuitBreaker({
            ...common,
            rules: [
              failureRateRule({ threshold: shorthands.failureRateThreshold, minimumCalls }),
              slowCallRateRule({ threshold: shorthands.slowCallRateThreshold, minimumCalls }),
              ...(consecutiveFailures === undefined
                ? []
                : [consecutiveFailuresRule({ failures: consecutiveFailures })]),
            ],
          });
          const log = (breaker: CircuitBreaker) => {
            const changes: string[] = [];
            breaker.on('stateChange', ({ to, reason }) => changes.push(`${to}:${reason}`));
            return changes;
          };
          const [a, b] = [log(viaShorthands), log(viaRules)];
          for (const s of steps) {
            if (typeof s === 'number') now += s;
            else if (s === 'reset' || s === 'isolate' || s === 'disable') {
              viaShorthands[s]();
              viaRules[s]();
            } else {
              for (const breaker of [viaShorthands, viaRules]) {
                const permit = breaker.tryAcquire();
                if (s === 'o') permit?.success(1);
                else if (s === 's') permit?.success(500);
                else if (s === 'f') permit?.failure(boom, 1);
                else permit?.ignore();
              }
            }
            expect(viaRules.stats()).toEqual(viaShorthands.stats());
          }
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 300 },
    );
  });
});
