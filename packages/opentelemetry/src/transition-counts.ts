import type {
  BreakerEvents,
  BreakerRegistry,
  CircuitState,
  TransitionReason,
} from '@tripswitch/core';

/** How often one kind of transition happened to one breaker. */
export interface TransitionCount {
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  count: number;
}

/**
 * @internal Transitions counted from `stateChange` events, per breaker. A breaker the registry
 * no longer holds loses its counts at the next collection, or as soon as the breakers counted
 * outnumber the registry's twice over, so names that come and go cannot grow memory without
 * bound even when nothing collects.
 */
export class TransitionCounts {
  readonly #byBreaker = new Map<string, Map<string, TransitionCount>>();
  readonly #registry: Pick<BreakerRegistry, 'has' | 'size'>;

  constructor(registry: Pick<BreakerRegistry, 'has' | 'size'>) {
    this.#registry = registry;
  }

  /** Counts one transition. */
  record({ name, from, to, reason }: BreakerEvents['stateChange']): void {
    let counts = this.#byBreaker.get(name);
    if (counts === undefined) {
      // Amortised: after a sweep at most `size` remain, so the next one is `size + 16` away.
      if (this.#byBreaker.size >= 2 * this.#registry.size + 16) this.sweep();
      counts = new Map();
      this.#byBreaker.set(name, counts);
    }
    // States and reasons hold no spaces.
    const key = `${from} ${to} ${reason}`;
    const seen = counts.get(key);
    if (seen === undefined) counts.set(key, { name, from, to, reason, count: 1 });
    else seen.count++;
  }

  /** Drops the counts of breakers the registry no longer holds. */
  sweep(): void {
    for (const name of this.#byBreaker.keys()) {
      if (!this.#registry.has(name)) this.#byBreaker.delete(name);
    }
  }

  /** Every count, after a sweep. */
  *counts(): Generator<TransitionCount> {
    this.sweep();
    for (const counts of this.#byBreaker.values()) yield* counts.values();
  }

  /** How many breakers have counts (for tests of the bound). */
  get size(): number {
    return this.#byBreaker.size;
  }
}
