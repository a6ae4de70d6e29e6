import type { OutcomeWindow } from './outcome-window.ts';

// Each slot of the ring holds four numbers: the slice it counts, then its calls, failures and
// slow calls.
const stride = 4;

/**
 * The outcomes of the last `durationMs`, in `buckets` equal slices of time. A slice ages out as a
 * whole once the clock has moved past it; nothing runs between calls, the slices are rotated
 * when the window is next touched.
 *
 * Each slot is stamped with the slice it counts, so a call after a pause longer than the window
 * forgets everything in O(1): the slots' stamps are all too old to match any slice to come, and
 * a slot is zeroed when a new slice first writes to it. A shorter pause drops the slices that aged
 * out one by one, fewer than `buckets` of them.
 */
export class TimeWindow implements OutcomeWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  consecutiveFailures = 0;
  readonly capacity: number = Number.POSITIVE_INFINITY;
  readonly #bucketMs: number;
  readonly #buckets: number;
  readonly #slots: Float64Array;
  /** The index of the current slice since time 0, or NaN when the window is empty. */
  #current = Number.NaN;

  constructor(durationMs: number, buckets: number) {
    this.#bucketMs = durationMs / buckets;
    this.#buckets = buckets;
    this.#slots = new Float64Array(buckets * stride).fill(Number.NaN);
  }

  record(failed: boolean, slow: boolean, now: number): void {
    this.advance(now);
    const current = this.#current;
    const slots = this.#slots;
    const at = this.#slot(current);
    if (slots[at] !== current) {
      slots[at] = current;
      slots[at + 1] = 0;
      slots[at + 2] = 0;
      slots[at + 3] = 0;
    }
    slots[at + 1] = (slots[at + 1] as number) + 1;
    this.calls++;
    this.consecutiveFailures = failed ? this.consecutiveFailures + 1 : 0;
    if (failed) {
      slots[at + 2] = (slots[at + 2] as number) + 1;
      this.failures++;
    }
    if (slow) {
      slots[at + 3] = (slots[at + 3] as number) + 1;
      this.slowCalls++;
    }
  }

  advance(now: number): void {
    const slice = Math.floor(now / this.#bucketMs);
    const current = this.#current;
    if (slice === current) return;
    // A clock that stepped back keeps counting into the current slice; so does a broken one that
    // read NaN or ±Infinity, which would otherwise empty the window or stop its ageing for good.
    if (slice < current || !Number.isFinite(slice)) return;
    if (Number.isNaN(current) || slice - current >= this.#buckets) {
      // Every slice has aged out; the slots' stamps are too old to count again.
      this.calls = 0;
      this.failures = 0;
      this.slowCalls = 0;
    } else {
      const n = this.#buckets;
      for (let old = current - n + 1; old <= slice - n; old++) this.#drop(old);
    }
    this.#current = slice;
  }

  clear(): void {
    this.consecutiveFailures = 0;
    // The next slice may be earlier than the stamps (a clock reset along with the window).
    this.#slots.fill(Number.NaN);
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
    this.#current = Number.NaN;
  }

  /** Where the slot of `slice` begins in the ring. */
  #slot(slice: number): number {
    const n = this.#buckets;
    return (((slice % n) + n) % n) * stride;
  }

  /** Takes an aged-out slice's counts out of the totals, if its slot still counts it. */
  #drop(slice: number): void {
    const slots = this.#slots;
    const at = this.#slot(slice);
    if (slots[at] !== slice) return;
    this.calls -= slots[at + 1] as number;
    this.failures -= slots[at + 2] as number;
    this.slowCalls -= slots[at + 3] as number;
    slots[at] = Number.NaN;
  }
}
