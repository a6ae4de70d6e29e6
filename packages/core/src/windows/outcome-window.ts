/**
 * The sliding window of recent call outcomes a breaker judges its rates on. Implementations keep
 * running totals so that recording and reading are O(1) and allocate nothing.
 */
export interface OutcomeWindow {
  /** Calls in the window. */
  readonly calls: number;
  /** Failed calls in the window. */
  readonly failures: number;
  /** Slow calls (successful or failed) in the window. */
  readonly slowCalls: number;
  /** The most calls the window can hold (Infinity for time windows). */
  readonly capacity: number;
  /** Records one outcome at time `now`. */
  record(failed: boolean, slow: boolean, now: number): void;
  /** Drops what has aged out by `now`; call before reading the counts. */
  advance(now: number): void;
  /** Forgets every outcome. */
  clear(): void;
}
