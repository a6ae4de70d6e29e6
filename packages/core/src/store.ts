/**
 * The state of one circuit as every process sharing it sees it. `version` grows by one with each
 * transition anywhere in the fleet; a transition is published as a compare-and-set on it, so two
 * processes that change the state at once converge on one of the two changes.
 */
export type SharedCircuitState =
  | {
      /** The state's version: every change the fleet agrees on gets a newer one. */
      version: number;
      /** The circuit's state. */
      state: 'closed' | 'forced-open' | 'disabled';
    }
  | {
      /** The state's version: every change the fleet agrees on gets a newer one. */
      version: number;
      /** The circuit's state. */
      state: 'open' | 'half-open';
      /** When the (last) open period began. */
      openedAt: number;
      /** When it ended or ends: a half-open state keeps the open period that preceded it. */
      openUntil: number;
      /** Opens since the circuit last closed. */
      attempt: number;
    };

/** Outcome counts over a stretch of time. */
export interface WindowCounts {
  /** Calls recorded. */
  calls: number;
  /** Of those, the failures. */
  failures: number;
  /** Of those, the slow calls. */
  slowCalls: number;
}

/**
 * Where breakers that share a name share their state: one process opens, all open. A store
 * keeps, for each name, the state and its version, outcome counts per time bucket summed over
 * every process, and the half-open trial grants. `@tripswitch/redis` implements it.
 *
 * The engine never waits on a store: every method of a {@link StoreBinding} is synchronous and
 * must not throw, and does its I/O in the background. When the store cannot answer — the
 * network is slow or down — the breaker decides alone, as it would without a store.
 */
export interface BreakerStore {
  /** Binds a breaker to the store; called once, when the breaker is built. */
  bind(circuit: StoreCircuit): StoreBinding;
}

/** What a breaker offers its store. */
export interface StoreCircuit {
  /** The breaker's name: the key of its shared state. */
  readonly name: string;
  /** How many trials the whole fleet may send while half-open. */
  readonly halfOpenMaxCalls: number;
  /**
   * How long a trial may stay out before it counts as failed; `undefined` means the open period
   * that preceded the half-open one. A store's trial grants should last at least this long, so a
   * slow trial cannot be replaced by another while it still runs.
   */
  readonly halfOpenTimeoutMs: number | undefined;
  /** The breaker's current state, for a store that (re)connects and finds nothing newer. */
  current(): SharedCircuitState;
  /**
   * Takes on a state the fleet agreed on (another process's transition, or the state read at
   * start or after the store recovers). Ignored unless its version is newer than the breaker's.
   *
   * An `open` or `half-open` state whose period no breaker sets is taken bounded on the
   * breaker's own clock: one that begins more than 5 seconds after the breaker's now (published
   * by a process whose clock runs far ahead, or written by someone) is taken to begin now, as
   * long as it lasts; one longer than the longest duration (2^31 − 1 ms) is cut to it. Any other
   * is taken as it is, however much longer than the breaker's own open duration: a period held
   * open by a `Retry-After` is.
   *
   * @returns `undefined` (or nothing, from a circuit that is not the engine's) when the state
   * was taken as it is, or ignored; the state the breaker took instead when it bounded the
   * period, for the store to report. A store should not write it back: one process cannot tell
   * whether its own clock or the writer's is off. Offered the same state again, the breaker
   * keeps the period it took the first time — trials in flight included — and returns it again;
   * when that period ends, the breaker half-opens and publishes it, and the fleet follows.
   */
  adopt(state: SharedCircuitState): SharedCircuitState | void;
}

/** What a store offers one breaker. Synchronous, never throws, never waits on I/O. */
export interface StoreBinding {
  /**
   * The breaker changed state on its own; publish it if the fleet's version is still
   * `expectedVersion`, or else bring the breaker the fleet's newer state through `adopt`.
   */
  publish(state: SharedCircuitState, expectedVersion: number): void;
  /** A call's outcome was recorded at `now`; the store adds it to the fleet's counts in batches. */
  record(failed: boolean, slow: boolean, now: number): void;
  /**
   * The whole fleet's counts over the store's window ending at `now`, this process included, as
   * last read; `undefined` when the store has no fresh figure.
   */
  fleetCounts(now: number): WindowCounts | undefined;
  /**
   * While half-open: takes one of the fleet's `halfOpenMaxCalls` trial grants if this process
   * holds one, asking for the next in the background. `false` means no grant is held — the
   * fleet's trials are all out, or the store is still asking for one (a call cannot wait, so the
   * first call of a half-open period may be refused while it does); `undefined` means the store
   * cannot say, and the breaker grants trials alone.
   */
  takeTrial(): boolean | undefined;
  /**
   * A trial taken with `takeTrial` ended. Successes are counted fleet-wide, and the store
   * publishes `closed` once `halfOpenMaxCalls` trials have succeeded across the fleet; an ignored
   * trial gives its grant back.
   */
  trialSettled(outcome: 'success' | 'failure' | 'ignored'): void;
  /** The breaker is gone: stop listening for it. */
  unbind(): void;
}
