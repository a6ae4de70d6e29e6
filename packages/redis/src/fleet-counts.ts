import type { WindowCounts } from '@tripswitch/core';

interface Bucket {
  readonly index: number;
  calls: number;
  failures: number;
  slow: number;
}

/** @internal What one flush adds to Redis: an increment for each bucket of the window. */
export interface CountBatch {
  /** The index of the window's oldest bucket. */
  readonly first: number;
  /** Calls, failures and slow calls to add to each bucket of the window, oldest first. */
  readonly increments: readonly number[];
}

/**
 * @internal The fleet's outcome counts for one breaker name, as this process knows them: what it
 * recorded and has not had counted in Redis yet (per time bucket), and the fleet's per-bucket
 * counts as last read back from Redis. Recording and reading are synchronous and cheap; the
 * store moves the counts to Redis in batches ({@link takeBatch}, {@link settle}).
 *
 * Counts that Redis may not have received (a flush that failed or timed out) are dropped rather
 * than sent again: the fleet's figure may fall short during an outage, but is never inflated.
 */
export class FleetCounts {
  readonly #bucketMs: number;
  readonly #buckets: number;
  #pending: Bucket[] = [];
  /** The pending bucket of the latest record: the one the next record most likely goes to. */
  #current: Bucket | undefined;
  #inFlight: Bucket[] | undefined;
  #unsentCalls = 0;
  #unsentFailures = 0;
  #unsentSlow = 0;
  #newestIndex = Number.NEGATIVE_INFINITY;
  /**
   * The breaker's time at the first record of the newest bucket, and the monotonic time then:
   * a flush with no new record still reads the window that ends now on the breaker's clock.
   */
  #anchorNow = Number.NaN;
  #anchorMono = 0;
  #mirrorFirst = 0;
  #mirror: readonly number[] = [];
  #fresh = false;
  #readMono = 0;
  #sumFor = Number.NaN;
  #sumCalls = 0;
  #sumFailures = 0;
  #sumSlow = 0;
  // Reused: the engine reads the figures at once, and a call should not allocate for them.
  readonly #result: WindowCounts = { calls: 0, failures: 0, slowCalls: 0 };

  constructor(bucketMs: number, buckets: number) {
    this.#bucketMs = bucketMs;
    this.#buckets = buckets;
  }

  /** Whether anything recorded waits to be added to Redis. */
  get hasPending(): boolean {
    return this.#pending.length > 0;
  }

  /** Whether a batch is on its way to Redis. */
  get flushing(): boolean {
    return this.#inFlight !== undefined;
  }

  /** Whether the figure from Redis is fresh enough to use. */
  get fresh(): boolean {
    return this.#fresh;
  }

  record(failed: boolean, slow: boolean, now: number): void {
    const index = Math.floor(now / this.#bucketMs);
    let bucket = this.#current;
    if (bucket === undefined || bucket.index !== index) {
      if (!Number.isFinite(index)) return;
      bucket = this.#bucketFor(index, now);
    }
    bucket.calls++;
    this.#unsentCalls++;
    if (failed) {
      bucket.failures++;
      this.#unsentFailures++;
    }
    if (slow) {
      bucket.slow++;
      this.#unsentSlow++;
    }
  }

  /**
   * The fleet's counts over the window ending at `now`: the last figure read from Redis plus what
   * this process recorded since. Undefined when there is no fresh figure.
   */
  read(now: number): WindowCounts | undefined {
    if (!this.#fresh) return undefined;
    const newest = Math.floor(now / this.#bucketMs);
    if (newest !== this.#sumFor) this.#sumMirror(newest);
    const result = this.#result;
    result.calls = this.#sumCalls + this.#unsentCalls;
    result.failures = this.#sumFailures + this.#unsentFailures;
    result.slowCalls = this.#sumSlow + this.#unsentSlow;
    return result;
  }

  /**
   * Moves what is pending into a batch for Redis, with the window it reads back: the window
   * ending now (`monoNow`, on the monotonic clock). Undefined while a batch is in flight, or when
   * nothing was ever recorded.
   */
  takeBatch(monoNow: number): CountBatch | undefined {
    if (this.#inFlight !== undefined || Number.isNaN(this.#anchorNow)) return undefined;
    const now = this.#anchorNow + (monoNow - this.#anchorMono);
    const newest = Math.max(Math.floor(now / this.#bucketMs), this.#newestIndex);
    const first = newest - this.#buckets + 1;
    const increments = new Array<number>(this.#buckets * 3).fill(0);
    const sent: Bucket[] = [];
    for (const bucket of this.#pending) {
      if (bucket.index < first) {
        this.#forget(bucket);
        continue;
      }
      const at = (bucket.index - first) * 3;
      increments[at] = (increments[at] as number) + bucket.calls;
      increments[at + 1] = (increments[at + 1] as number) + bucket.failures;
      increments[at + 2] = (increments[at + 2] as number) + bucket.slow;
      sent.push(bucket);
    }
    this.#inFlight = sent;
    this.#pending = [];
    this.#current = undefined;
    return { first, increments };
  }

  /**
   * The batch's reply: the window's counts per bucket (calls, failures, slow calls, oldest
   * first), read at `monoSent`; or undefined when Redis did not answer, and the batch is dropped.
   */
  settle(batch: CountBatch, counts: readonly number[] | undefined, monoSent: number): void {
    for (const bucket of this.#inFlight ?? []) this.#forget(bucket);
    this.#inFlight = undefined;
    if (counts === undefined || counts.length !== this.#buckets * 3) {
      this.#fresh = false;
      return;
    }
    this.#mirrorFirst = batch.first;
    this.#mirror = counts;
    this.#sumFor = Number.NaN;
    this.#readMono = monoSent;
    this.#fresh = true;
  }

  /** Stops using the figure from Redis when it was read longer than `maxAgeMs` ago. */
  expire(monoNow: number, maxAgeMs: number): void {
    if (this.#fresh && monoNow - this.#readMono > maxAgeMs) this.#fresh = false;
  }

  /** Stops using the figure from Redis: Redis is unavailable. */
  invalidate(): void {
    this.#fresh = false;
  }

  #bucketFor(index: number, now: number): Bucket {
    let bucket = this.#pending.find((b) => b.index === index);
    if (bucket === undefined) {
      bucket = { index, calls: 0, failures: 0, slow: 0 };
      this.#pending.push(bucket);
    }
    if (index > this.#newestIndex) {
      this.#newestIndex = index;
      this.#anchorNow = now;
      this.#anchorMono = performance.now();
      // While Redis is away nothing is flushed: what has left the window goes, so that the
      // buffer stays bounded by the window.
      const first = index - this.#buckets + 1;
      if ((this.#pending[0]?.index ?? first) < first) {
        this.#pending = this.#pending.filter((b) => b.index >= first || this.#forget(b));
      }
    }
    this.#current = bucket;
    return bucket;
  }

  /** Takes a bucket's counts out of the unsent totals; returns false, to drop it in a filter. */
  #forget(bucket: Bucket): false {
    this.#unsentCalls -= bucket.calls;
    this.#unsentFailures -= bucket.failures;
    this.#unsentSlow -= bucket.slow;
    return false;
  }

  #sumMirror(newest: number): void {
    let calls = 0;
    let failures = 0;
    let slow = 0;
    const mirror = this.#mirror;
    const from = Math.max(newest - this.#buckets + 1, this.#mirrorFirst);
    const to = Math.min(newest, this.#mirrorFirst + mirror.length / 3 - 1);
    for (let index = from; index <= to; index++) {
      const at = (index - this.#mirrorFirst) * 3;
      calls += mirror[at] as number;
      failures += mirror[at + 1] as number;
      slow += mirror[at + 2] as number;
    }
    this.#sumFor = newest;
    this.#sumCalls = calls;
    this.#sumFailures = failures;
    this.#sumSlow = slow;
  }
}
