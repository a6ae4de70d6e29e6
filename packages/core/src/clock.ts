/**
 * A source of time in milliseconds. Every time a breaker reads — call durations, window buckets,
 * open periods — comes from its clock, so tests can drive time without sleeping.
 *
 * @example
 * ```ts
 * let now = 0;
 * const breaker = new CircuitBreaker({ clock: { now: () => now } });
 * now += 60_000; // a minute passes, instantly
 * ```
 */
export interface Clock {
  /** The current time in milliseconds. It must not run backwards by much; snapshots store it. */
  now(): number;
}

/**
 * The default clock: the wall clock. It reads `Date.now()` on every call rather than keeping a
 * reference to it, so fake timers that replace `Date` also drive breakers built without a clock.
 */
export const systemClock: Clock = { now: () => Date.now() };
