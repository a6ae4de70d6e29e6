import type { SharedCircuitState, StoreCircuit } from '@tripswitch/core';
import { FleetCounts } from './fleet-counts.ts';
import { type BreakerKeys, breakerKeys } from './keys.ts';
import { replyNumber, replyString } from './reply.ts';
import { flushCounts, putState } from './scripts.ts';
import { decodeState, encodeState } from './shared-state-codec.ts';
import type { StoreContext } from './store-context.ts';
import type { TrialGrants } from './trial-grants.ts';

/** @internal One breaker bound to the store. */
export interface BoundCircuit {
  readonly circuit: StoreCircuit;
  readonly trials: TrialGrants;
}

/**
 * @internal Everything a store keeps for one breaker name: the breakers of that name in this
 * process (usually one), the fleet's state as last seen, and the fleet's counts.
 */
export class NameEntry {
  readonly name: string;
  readonly keys: BreakerKeys;
  readonly counts: FleetCounts;
  readonly bound: Set<BoundCircuit> = new Set();
  readonly #context: StoreContext;
  #known: SharedCircuitState | undefined;
  #idleTicks = 0;
  #flushing: Promise<void> | undefined;

  constructor(name: string, context: StoreContext) {
    this.name = name;
    this.#context = context;
    this.keys = breakerKeys(context.settings.prefix, name);
    this.counts = new FleetCounts(context.settings.bucketMs, context.settings.buckets);
  }

  /** The newest fleet state this process has seen for the name. */
  get known(): SharedCircuitState | undefined {
    return this.#known;
  }

  /** Brings the fleet's state to every breaker of the name; each ignores it unless it is newer. */
  adoptAll(state: SharedCircuitState): void {
    if (this.#known === undefined || state.version >= this.#known.version) this.#known = state;
    for (const { circuit } of this.bound) {
      try {
        circuit.adopt(state);
      } catch (error) {
        // The engine's adopt does not throw; a foreign StoreCircuit might, and must not stop the others.
        console.error(
          `[tripswitch] circuit "${this.name}" could not adopt the fleet's state`,
          error,
        );
      }
    }
  }

  /** Publishes a breaker's own transition as a compare-and-set on the fleet's version. */
  publish(state: SharedCircuitState, expectedVersion: number): void {
    if (!this.#context.available()) return; // brought back by the sync when Redis returns
    void this.#put(state, expectedVersion).catch(() => {});
  }

  /**
   * Brings this process's breakers and Redis in line: Redis keeps its state when it is as new as
   * ours or newer, and our breakers adopt it; it takes ours when it has none (a first start, an
   * expiry, a FLUSHALL, a restart) or an older one. Resolves whether Redis answered.
   */
  async sync(): Promise<boolean> {
    try {
      let ours: SharedCircuitState | undefined;
      for (const { circuit } of this.bound) {
        const state = circuit.current();
        if (ours === undefined || state.version > ours.version) ours = state;
      }
      if (ours === undefined) return true;
      return await this.#put(ours, ours.version - 1);
    } catch {
      // Only a foreign StoreCircuit can throw here; the store carries on.
      return false;
    }
  }

  /**
   * A turn of the store's timer: adds what was recorded to Redis and reads the fleet's window
   * back — also with nothing new while the name was counted to within the window, so that its
   * figure stays fresh for the next call.
   */
  tick(monoNow: number): void {
    const { flushIntervalMs, windowMs } = this.#context.settings;
    this.counts.expire(monoNow, 2 * flushIntervalMs);
    if (this.#flushing !== undefined) return;
    if (this.counts.hasPending) this.#idleTicks = 0;
    else if (++this.#idleTicks * flushIntervalMs > windowMs) return;
    void this.#flush(monoNow);
  }

  /** Waits for the batch on its way, then sends what is still pending. */
  async drain(): Promise<void> {
    await this.#flushing;
    if (this.counts.hasPending) await this.#flush(performance.now());
  }

  #flush(monoNow: number): Promise<void> {
    const { windowMs, bucketMs, stateTtlMs } = this.#context.settings;
    const counts = this.counts;
    const batch = counts.takeBatch(monoNow);
    if (batch === undefined) return Promise.resolve();
    const keys = [this.keys.state];
    for (let i = 0; i < batch.increments.length / 3; i++)
      keys.push(this.keys.bucket(batch.first + i));
    const flushing = this.#context
      .run(flushCounts, keys, [windowMs + 2 * bucketMs, stateTtlMs, ...batch.increments])
      .then((reply) => {
        counts.settle(batch, reply?.slice(1).map(replyNumber), monoNow);
        if (reply === undefined) return;
        const stored = decodeState(reply[0]);
        if (stored !== undefined) this.adoptAll(stored);
        else if (replyString(reply[0]) === '') void this.sync(); // the state is gone: put ours back
      })
      .catch(() => {})
      .finally(() => {
        this.#flushing = undefined;
      });
    this.#flushing = flushing;
    return flushing;
  }

  async #put(state: SharedCircuitState, expectedVersion: number): Promise<boolean> {
    const { channel, settings } = this.#context;
    const reply = await this.#context.run(
      putState,
      [this.keys.state, this.keys.trials],
      [
        expectedVersion,
        state.version,
        state.state,
        encodeState(state),
        channel,
        this.name,
        settings.stateTtlMs,
      ],
    );
    if (reply === undefined) return false;
    if (replyNumber(reply[0]) === 1) {
      this.adoptAll(state);
    } else {
      const stored = decodeState(reply[1]);
      if (stored !== undefined) this.adoptAll(stored);
    }
    return true;
  }
}
