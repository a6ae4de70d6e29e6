import type { TripCounts } from '../trip-rule.ts';

/**
 * The sliding window of recent call outcomes a breaker judges its rates on, and the run of
 * failures since the last success (which a window of any size keeps whole). Implementations keep
 * running totals so that recording and reading are O(1) and allocate nothing. A window is the
 * {@link TripCounts} the trip rules judge.
 */
export interface OutcomeWindow extends TripCounts {
  /** Failures since the last success recorded, however long ago. */
  readonly consecutiveFailures: number;
  /** Records one outcome at time `now`. */
  record(failed: boolean, slow: boolean, now: number): void;
  /** Drops what has aged out by `now`; call before reading the counts. */
  advance(now: number): void;
  /** Forgets every outcome. */
  clear(): void;
}
