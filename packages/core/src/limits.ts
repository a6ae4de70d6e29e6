/**
 * @internal The upper bounds of options, checked when a breaker is built: large enough for any
 * sensible configuration, small enough that no value can make a breaker's memory, or the work of
 * one call, grow without bound.
 */
export const limits = {
  /**
   * Every duration: the longest wait `setTimeout` can make (2^31 - 1 ms, 24.8 days; Node fires
   * a longer one at once). The durations that start no timer share it, so that no duration means
   * something absurd; a circuit that should stay open longer is one to `isolate()`.
   */
  durationMs: 2_147_483_647,
  /** A count window keeps one byte per call: 100 kB at most, and more evidence than any rate needs. */
  windowSize: 100_000,
  /**
   * A time window keeps its counts per slice, and a call after a pause drops up to every slice:
   * a thousand slices resolve a window to 0.1 % of its length.
   */
  windowBuckets: 1_000,
  /** `minimumCalls` and `consecutiveFailures`: beyond a million calls a rule never acts in time. */
  calls: 1_000_000,
  /** Each admission in half-open looks at every trial in flight; trials are meant to be few. */
  halfOpenMaxCalls: 1_000,
  /** A wider bulkhead limits nothing: leave it out. */
  maxConcurrent: 100_000,
  /** Every waiter holds a promise and its caller's continuation. */
  maxQueue: 100_000,
  /** Every rule is asked after every recorded call: a handful is plenty. */
  rules: 16,
  /** A rule's name goes into events and metric labels. */
  ruleName: 100,
} as const;

/** @internal How errors describe an allowed duration. */
export const durationText: string = `a number of milliseconds > 0 and <= ${limits.durationMs}`;

/** @internal Whether `value` is a duration an option may hold (see `limits.durationMs`). */
export function isDuration(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value <= limits.durationMs;
}
