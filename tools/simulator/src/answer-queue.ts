/**
 * The calls waiting for their answer, earliest first: a binary min-heap of call numbers keyed by
 * their answer time, ties broken by call number so that the order is the same on every run.
 */
export class AnswerQueue {
  readonly #heap: Int32Array;
  readonly #time: Float64Array;
  #size = 0;

  /**
   * @param time - each call's answer time, indexed by call number; read, never written.
   * @param capacity - the most calls that can wait at once.
   */
  constructor(time: Float64Array, capacity: number) {
    this.#time = time;
    this.#heap = new Int32Array(capacity);
  }

  /** How many calls wait. */
  get size(): number {
    return this.#size;
  }

  /** The earliest answer time, or Infinity when no call waits. */
  peekTime(): number {
    return this.#size === 0
      ? Number.POSITIVE_INFINITY
      : (this.#time[this.#heap[0] as number] as number);
  }

  /** Adds a call; its answer time must already be in the time column. */
  push(call: number): void {
    if (this.#size === this.#heap.length) throw new RangeError('AnswerQueue is full');
    const heap = this.#heap;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as number;
      if (!this.#before(call, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = call;
  }

  /** Removes and returns the call with the earliest answer; throws when empty. */
  pop(): number {
    if (this.#size === 0) throw new RangeError('AnswerQueue is empty');
    const heap = this.#heap;
    const top = heap[0] as number;
    const last = heap[--this.#size] as number;
    const size = this.#size;
    let i = 0;
    while (true) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      if (right < size && this.#before(heap[right] as number, heap[left] as number)) child = right;
      const below = heap[child] as number;
      if (!this.#before(below, last)) break;
      heap[i] = below;
      i = child;
    }
    if (size > 0) heap[i] = last;
    return top;
  }

  #before(a: number, b: number): boolean {
    const ta = this.#time[a] as number;
    const tb = this.#time[b] as number;
    return ta < tb || (ta === tb && a < b);
  }
}
