import type { BreakerRegistry, CircuitState, TransitionReason } from '@tripswitch/core';
import { boundedName } from '@tripswitch/core/internal';

/** One kind of state transition of a breaker, and how often it happened. */
export interface TransitionCount {
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  count: number;
}

/** What the collector learns about one breaker from its events, between scrapes. */
export interface BreakerRecord {
  /** The value of the breaker's `name` label: its name, cut to `maxNameLength` if longer. */
  readonly label: string;
  /** Transitions seen, keyed by `from`, `to` and `reason` joined with spaces. */
  readonly transitions: Map<string, TransitionCount>;
  /** When the circuit left closed (or disabled), in milliseconds since the epoch; while it is out. */
  openSince: number | undefined;
  /** Whether the duration histogram has a series for this breaker. */
  hasDurations: boolean;
}

/**
 * @internal Records per breaker name, each with the breaker's `name` label, computed once when
 * the record is made rather than at every scrape (a cut name is hashed whole). A breaker the
 * registry no longer holds (deleted, or evicted past `maxBreakers`) loses its record at the next
 * scrape, or as soon as the records outnumber the registry's breakers twice over, so names that
 * come and go cannot grow memory without bound even when nothing scrapes; a label is at most
 * `maxNameLength` long.
 */
export class BreakerRecords {
  readonly #records = new Map<string, BreakerRecord>();
  readonly #registry: Pick<BreakerRegistry, 'has' | 'size'>;
  readonly #maxNameLength: number;
  readonly #onDrop: (name: string, record: BreakerRecord) => void;

  constructor(
    registry: Pick<BreakerRegistry, 'has' | 'size'>,
    maxNameLength: number,
    onDrop: (name: string, record: BreakerRecord) => void,
  ) {
    this.#registry = registry;
    this.#maxNameLength = maxNameLength;
    this.#onDrop = onDrop;
  }

  /** The record of `name`, created when there is none. */
  get(name: string): BreakerRecord {
    let record = this.#records.get(name);
    if (record === undefined) {
      // Amortised: after a sweep at most `size` records remain, so the next one is `size + 16` away.
      if (this.#records.size >= 2 * this.#registry.size + 16) this.sweep();
      record = {
        label: boundedName(name, this.#maxNameLength),
        transitions: new Map(),
        openSince: undefined,
        hasDurations: false,
      };
      this.#records.set(name, record);
    }
    return record;
  }

  /** Every record, by breaker name. */
  entries(): MapIterator<[string, BreakerRecord]> {
    return this.#records.entries();
  }

  /** Drops the records of breakers the registry no longer holds. */
  sweep(): void {
    for (const [name, record] of this.#records) {
      if (this.#registry.has(name)) continue;
      this.#records.delete(name);
      this.#onDrop(name, record);
    }
  }
}
