/**
 * How much a service can answer: `callsPerSecond` on average, and up to `burst` calls at once
 * after a lull. A call beyond that is refused at once, as an overloaded service sheds what it
 * cannot take (a 503 in 1 to 5 ms).
 */
export interface Capacity {
  readonly callsPerSecond: number;
  readonly burst: number;
}

/**
 * @internal The capacity a service has left, as a token bucket: refilled at `callsPerSecond`,
 * holding at most `burst` tokens, full at the start of a run. Each call the service answers takes
 * one token.
 */
export class CapacityGate {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #at = 0;

  constructor(capacity: Capacity) {
    const { callsPerSecond, burst } = capacity;
    if (!(Number.isFinite(callsPerSecond) && callsPerSecond > 0)) {
      throw new RangeError(`capacity.callsPerSecond: expected a number > 0, got ${callsPerSecond}`);
    }
    if (!(Number.isFinite(burst) && burst >= 1)) {
      throw new RangeError(`capacity.burst: expected a number >= 1, got ${burst}`);
    }
    this.#perMs = callsPerSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
  }

  /** Whether the service can answer a call received at `now`; if so, the call takes its share. */
  take(now: number): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
