/**
 * @module
 * Breaker fixtures shared by the packages' tests: a clock the test moves by hand, registries on
 * it, a wait for the next outcome a breaker records, a registry that counts its listeners, and
 * names as long as a key from request input can make them.
 */
import {
  type BreakerEventName,
  type BreakerListener,
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

/** How a permit was settled, from a breaker's events. */
export interface Outcome {
  kind: 'success' | 'failure' | 'ignored';
  name: string;
  durationMs: number;
  error?: unknown;
}

/** A breaker or a registry: anything with the breaker events. */
interface OutcomeSource {
  on<K extends BreakerEventName>(event: K, listener: BreakerListener<K>): () => void;
}

/**
 * The next outcome a breaker (or any breaker of a registry) records. Start waiting before the
 * request that settles it, then await it: the wait ends on the event, not after some time.
 */
export function nextOutcome(source: OutcomeSource): Promise<Outcome> {
  return new Promise((resolve) => {
    const offs: Array<() => void> = [];
    const settle = (outcome: Outcome): void => {
      for (const off of offs) off();
      resolve(outcome);
    };
    offs.push(
      source.on('success', ({ name, durationMs }) => settle({ kind: 'success', name, durationMs })),
      source.on('failure', ({ name, durationMs, error }) =>
        settle({ kind: 'failure', name, durationMs, error }),
      ),
      source.on('ignored', ({ name, durationMs }) => settle({ kind: 'ignored', name, durationMs })),
    );
  });
}

/**
 * A real registry that counts its live subscriptions, so a test can see that what subscribed
 * (a dashboard, an instrumentation) unsubscribed every listener it added. (The core has no
 * listener count of its own.)
 */
export class CountingRegistry extends BreakerRegistry {
  listeners = 0;

  override on<K extends BreakerEventName>(event: K, listener: BreakerListener<K>): () => void {
    const off = super.on(event, listener);
    this.listeners++;
    let subscribed = true;
    return () => {
      if (subscribed) {
        subscribed = false;
        this.listeners--;
      }
      off();
    };
  }
}

export { cutNameEnd, healthNames, longNames } from './long-names.ts';
