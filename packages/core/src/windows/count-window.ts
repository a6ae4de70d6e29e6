import type { OutcomeWindow } from './outcome-window.ts';

const failedBit = 1;
const slowBit = 2;

/** The last `size` outcomes, in a ring buffer of one byte per call. */
export class CountWindow implements OutcomeWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  consecutiveFailures = 0;
  readonly capacity: number;
  // Allocated on the first record, so an idle breaker does not pay for it.
  #ring: Uint8Array | undefined;
  #next = 0;

  constructor(size: number) {
    this.capacity = size;
  }

  record(failed: boolean, slow: boolean, _now?: number): void {
    // A good call into a full window of good calls changes nothing: the call it would evict is
    // alike, the run of failures is already 0, and while every slot is alike it does not matter
    // which one is next. Most calls are such, and skipping the ring saves them about 2 ns.
    if (
      !failed &&
      !slow &&
      this.failures === 0 &&
      this.slowCalls === 0 &&
      this.calls === this.capacity
    ) {
      return;
    }
    this.#ring ??= new Uint8Array(this.capacity);
    const ring = this.#ring;
    const index = this.#next;
    if (this.calls === this.capacity) {
      const evicted = ring[index] as number;
      this.failures -= evicted & failedBit;
      this.slowCalls -= evicted >> 1;
    } else {
      this.calls++;
    }
    this.consecutiveFailures = failed ? this.consecutiveFailures + 1 : 0;
    const outcome = (failed ? failedBit : 0) | (slow ? slowBit : 0);
    ring[index] = outcome;
    this.failures += outcome & failedBit;
    this.slowCalls += outcome >> 1;
    this.#next = index + 1 === this.capacity ? 0 : index + 1;
  }

  advance(_now?: number): void {}

  clear(): void {
    this.consecutiveFailures = 0;
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
    this.#next = 0;
  }
}
