import type { OutcomeWindow } from './outcome-window.ts';

/**
 * The outcomes of the last `durationMs`, in `buckets` equal slices of time. A slice ages out as a
 * whole once the clock has moved past it; nothing runs between calls, the slices are rotated
 * when the window is next touched.
 */
export class TimeWindow implements OutcomeWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  readonly capacity: number = Number.POSITIVE_INFINITY;
  readonly #bucketMs: number;
  readonly #calls: Float64Array;
  readonly #failures: Float64Array;
  readonly #slow: Float64Array;
  /** The index of the current slice since time 0, or NaN when the window is empty. */
  #current = Number.NaN;

  constructor(durationMs: number, buckets: number) {
    this.#bucketMs = durationMs / buckets;
    this.#calls = new Float64Array(buckets);
    this.#failures = new Float64Array(buckets);
    this.#slow = new Float64Array(buckets);
  }

  record(failed: boolean, slow: boolean, now: number): void {
    this.advance(now);
    const index = this.#slot(this.#current);
    this.#calls[index] = (this.#calls[index] as number) + 1;
    this.calls++;
    if (failed) {
      this.#failures[index] = (this.#failures[index] as number) + 1;
      this.failures++;
    }
    if (slow) {
      this.#slow[index] = (this.#slow[index] as number) + 1;
      this.slowCalls++;
    }
  }

  advance(now: number): void {
    const slice = Math.floor(now / this.#bucketMs);
    const current = this.#current;
    if (slice === current) return;
    // A clock that stepped back keeps counting into the current slice.
    if (slice < current) return;
    if (Number.isNaN(current) || slice - current >= this.#calls.length) {
      this.clear();
    } else {
      for (let old = current + 1; old <= slice; old++) this.#drop(this.#slot(old));
    }
    this.#current = slice;
  }

  clear(): void {
    this.#calls.fill(0);
    this.#failures.fill(0);
    this.#slow.fill(0);
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
    this.#current = Number.NaN;
  }

  #slot(slice: number): number {
    const n = this.#calls.length;
    return ((slice % n) + n) % n;
  }

  #drop(index: number): void {
    this.calls -= this.#calls[index] as number;
    this.failures -= this.#failures[index] as number;
    this.slowCalls -= this.#slow[index] as number;
    this.#calls[index] = 0;
    this.#failures[index] = 0;
    this.#slow[index] = 0;
  }
}
