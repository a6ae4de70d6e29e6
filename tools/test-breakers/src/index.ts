/**
 * @module
 * Breaker fixtures shared by the metrics packages' tests (Prometheus, OpenTelemetry): a clock the
 * test moves by hand, and registries on it.
 */
import {
  BreakerRegistry,
  type BreakerRegistryOptions,
  type CircuitBreaker,
} from '@tripswitch/core';

/** A clock the test moves by hand, counting how often breakers read it. */
export interface TestClock {
  now(): number;
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  /** How many times a breaker has read the clock. */
  reads: number;
}

export function testClock(start = 0): TestClock {
  let time = start;
  const clock: TestClock = {
    reads: 0,
    now: () => {
      clock.reads++;
      return time;
    },
    advance: (ms) => {
      time += ms;
    },
  };
  return clock;
}

/** A registry whose breakers run on `clock`, open after 2 failures of 2 calls, for 10 s. */
export function testRegistry(
  clock: TestClock,
  options: Omit<BreakerRegistryOptions, 'defaults'> = {},
): BreakerRegistry {
  return new BreakerRegistry({
    ...options,
    defaults: {
      clock,
      minimumCalls: 2,
      window: { type: 'count', size: 4 },
      openDurationMs: 10_000,
      halfOpenMaxCalls: 1,
    },
  });
}

/** Settles `n` permits of `breaker` with `outcome`, each taking `durationMs` of the test clock. */
export function settle(
  breaker: CircuitBreaker<unknown>,
  n: number,
  outcome: 'success' | 'failure' | 'ignore',
  options: { clock?: TestClock; durationMs?: number } = {},
): void {
  for (let i = 0; i < n; i++) {
    const permit = breaker.tryAcquire();
    if (permit === null) throw new Error(`${breaker.name} refused a call (${breaker.state})`);
    if (options.clock !== undefined && options.durationMs !== undefined) {
      options.clock.advance(options.durationMs);
    }
    if (outcome === 'success') permit.success();
    else if (outcome === 'failure') permit.failure(new Error('boom'));
    else permit.ignore();
  }
}

/** Trips `breaker` open with failures (it must be closed). */
export function trip(breaker: CircuitBreaker<unknown>): void {
  while (breaker.state === 'closed') settle(breaker, 1, 'failure');
}
