import type { SharedCircuitState } from '@tripswitch/core';
import type { BoundCircuit } from './bound-circuit.ts';
import { type CountBatch, FleetCounts } from './fleet-counts.ts';
import { compareVersions, shiftVersion } from './fleet-version.ts';
import type { BreakerKeys } from './keys.ts';
import { replyNumber, replyString } from './reply.ts';
import { type PutMode, putModeArg, putState, readState, tagArg } from './scripts.ts';
import { decodeState, encodeStateBody, type FleetState, sameState } from './shared-state-codec.ts';
import type { StoreContext } from './store-context.ts';
import { StoreDataError } from './store-data-error.ts';

/** The least time between two reports of bad data of one name. */
const reportEveryMs = 1_000;

/** @internal What one name adds to a flush: the window it reads, and the counts to add. */
export interface NameFlush {
  readonly entry: NameEntry;
  /** The counts taken, or undefined when the name is only read (a sync). */
  readonly batch: CountBatch | undefined;
  /** The window's first bucket index. */
  readonly first: number;
  /** (index, calls, failures, slow calls) of every bucket with counts to add. */
  readonly increments: readonly number[];
}

/**
 * @internal Everything a store keeps for one breaker name: the breakers of that name in this
 * process (usually one), the fleet's state as last read from Redis, and the fleet's counts.
 */
export class NameEntry {
  readonly name: string;
  readonly keys: BreakerKeys;
  readonly counts: FleetCounts;
  readonly bound: Set<BoundCircuit> = new Set();
  readonly #context: StoreContext;
  #known: FleetState | undefined;
  #idleTicks = 0;
  #reading = false;
  #readAgain = false;
  #putting = false;
  #lastReport = Number.NEGATIVE_INFINITY;

  constructor(name: string, keys: BreakerKeys, context: StoreContext) {
    this.name = name;
    this.#context = context;
    this.keys = keys;
    this.counts = new FleetCounts(context.settings.bucketMs, context.settings.buckets);
  }

  /** The fleet's state as this process last read it from Redis (or wrote it there). */
  get known(): FleetState | undefined {
    return this.#known;
  }

  /**
   * What Redis holds for the name, just read: every breaker of the name follows it, unless a
   * breaker is ahead of it, whose state is then put back; undefined (nothing, or nothing valid)
   * puts ours there, except a state the fleet never had (see {@link #putOurs}) over nothing
   * (`badData` false: nothing was written over). An open period a breaker took bounded is
   * reported.
   */
  reconcile(stored: FleetState | undefined, badData = false): void {
    if (stored === undefined) {
      this.#putOurs(badData);
      return;
    }
    this.#known = stored;
    let ahead = false;
    let bounded = false;
    for (const bound of this.bound) {
      try {
        const offered = bound.offer(stored);
        if (offered === 'ahead') ahead = true;
        else if (offered === 'bounded') bounded = true;
      } catch (error) {
        // The engine's adopt does not throw; a foreign StoreCircuit might, and must not stop the others.
        console.error(
          `[tripswitch] circuit "${this.name}" could not adopt the fleet's state`,
          error,
        );
      }
    }
    if (ahead) this.#putOurs();
    else if (bounded) this.#reportBounded();
  }

  /**
   * Offers the fleet's state `state` to one breaker, as {@link reconcile} offers it to all of them
   * (a breaker that binds while another of its name already follows the fleet).
   */
  offer(bound: BoundCircuit, state: FleetState): void {
    try {
      if (bound.offer(state) === 'bounded') this.#reportBounded();
    } catch {
      // Only a foreign StoreCircuit can throw here.
    }
  }

  /**
   * A transition message named this breaker. The message itself is only a hint — anyone who can
   * PUBLISH can send one — so the state is read from Redis, unless the message is the state this
   * process already holds (its own, echoed back).
   */
  heard(state: SharedCircuitState): void {
    const known = this.#known;
    if (known !== undefined && known.version === state.version && sameState(known, state)) return;
    this.refresh();
  }

  /** Reads the state from Redis and follows it; one read at a time, then one more if asked. */
  refresh(): void {
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = true;
    this.#readAgain = false;
    void this.#context
      .run(readState, [this.keys.state], [], this.name)
      .then((reply) => {
        if (reply === undefined) return;
        const bad = replyNumber(reply[1]) === 1;
        if (bad) this.reportBadData('state');
        this.reconcile(decodeState(reply[0]), bad);
      })
      .catch(() => {})
      .finally(() => {
        this.#reading = false;
        if (this.#readAgain) this.refresh();
      });
  }

  /** Publishes a breaker's own transition: a compare-and-set, or forced for an operator's. */
  publish(bound: BoundCircuit, state: SharedCircuitState, expectedVersion: number): void {
    const mode = bound.transitioned(state) ? 'operator' : 'transition';
    if (!this.#context.available()) return; // put back when Redis returns
    void this.#put(bound, state, bound.fleetVersionOf(expectedVersion), mode);
  }

  /**
   * Puts the state of the breaker furthest ahead back in Redis, unless Redis has a newer one. A
   * state Redis once confirmed is a repair: it also yields to an operator's state, which may have
   * landed since Redis was read; a transition not yet confirmed is published as one.
   *
   * A breaker that never changed state and never followed the fleet (closed at version 0) has
   * nothing to share: Redis having no state means the same to every process. Its state is put
   * only over data that is no state (`overBadData`), to clear it. So a name that is only counted
   * to, such as each of a flood of per-key breakers, is neither published nor kept for
   * `stateTtlMs`: its counts alone are in Redis, and leave with the window.
   */
  #putOurs(overBadData = true): void {
    if (this.#putting) return;
    let newest: BoundCircuit | undefined;
    let newestVersion = 0;
    for (const bound of this.bound) {
      try {
        const version = bound.fleetState().version;
        if (newest === undefined || compareVersions(version, newestVersion) === 'newer') {
          newest = bound;
          newestVersion = version;
        }
      } catch {
        // Only a foreign StoreCircuit can throw here.
      }
    }
    if (newest === undefined) return;
    const state = newest.circuit.current();
    const neverShared = newestVersion === 0 && state.state === 'closed' && !newest.unconfirmed;
    if (neverShared && !overBadData) return;
    this.#putting = true;
    const mode = newest.unconfirmed ? 'transition' : 'repair';
    void this.#put(newest, state, shiftVersion(newestVersion, -1), mode).finally(() => {
      this.#putting = false;
    });
  }

  async #put(
    bound: BoundCircuit,
    state: SharedCircuitState,
    expected: number,
    mode: PutMode,
  ): Promise<void> {
    const { channel, settings } = this.#context;
    const reply = await this.#context.run(
      putState,
      [this.keys.state, this.keys.trials],
      [
        expected,
        encodeStateBody(state),
        state.state,
        channel,
        tagArg(this.keys),
        settings.stateTtlMs,
        putModeArg[mode],
      ],
      this.name,
    );
    if (reply === undefined) return;
    if (replyNumber(reply[2]) === 1) this.reportBadData('state');
    if (replyNumber(reply[0]) === 1) {
      const version = replyNumber(reply[1]);
      const written: FleetState =
        mode === 'operator' ? { ...state, version, byOperator: true } : { ...state, version };
      this.#known = written;
      // A breaker still in the state it published maps it to the version Redis gave it; one that
      // took on another state meanwhile (a read that crossed the write) is offered the write,
      // and follows whichever is newer. So are the other breakers of the name in this process:
      // the echo of the message is not read again.
      for (const other of this.bound) {
        if (other === bound && other.circuit.current().version === state.version) {
          other.written(state.version, version);
        } else {
          this.offer(other, written);
        }
      }
    } else {
      this.reconcile(decodeState(reply[1]));
    }
  }

  /**
   * A breaker took the open period Redis holds bounded (see `StoreCircuit.adopt`): it begins far
   * ahead of the breaker's clock, or lasts longer than any duration may. A forged state, or a
   * replica whose clock (or this one's) is far off: reported, and left in Redis. Which clock is
   * wrong cannot be told from here, and writing the breaker's bounded state over it would put a
   * clock that runs behind over the fleet's honest periods. The breaker publishes its half-open
   * state when its bounded period ends, and the fleet follows that.
   */
  #reportBounded(): void {
    this.#report(
      `Redis held an open period of circuit "${this.name}" that begins more than 5 s ahead of this process's clock, or lasts longer than any open period may (under ${this.keys.state}): a forged state, or a replica whose clock is far off from this one's. The breaker took it bounded on its own clock`,
    );
  }

  /**
   * A turn of the store's timer: what this name adds to the flush — what was recorded since the
   * last one, or a read of the fleet's window while the name was counted to within the window;
   * or, with `sync`, at least a read of its state. Undefined when it has nothing to do.
   */
  takeFlush(monoNow: number, sync: boolean): NameFlush | undefined {
    const { flushIntervalMs, windowMs } = this.#context.settings;
    const counts = this.counts;
    counts.expire(monoNow, 2 * flushIntervalMs);
    if (counts.hasPending) this.#idleTicks = 0;
    else if (++this.#idleTicks * flushIntervalMs > windowMs && !sync) return undefined;
    const batch = counts.takeBatch(monoNow);
    if (batch === undefined) {
      return sync ? { entry: this, batch, first: 0, increments: [] } : undefined;
    }
    const increments: number[] = [];
    for (let i = 0; i < batch.increments.length; i += 3) {
      const calls = batch.increments[i] as number;
      if (calls === 0) continue;
      increments.push(
        batch.first + i / 3,
        calls,
        batch.increments[i + 1] as number,
        batch.increments[i + 2] as number,
      );
    }
    return { entry: this, batch, first: batch.first, increments };
  }

  /**
   * The flush's reply for this name — {state JSON or '', counts, bad} — or undefined when Redis
   * did not answer, read at `monoSent`.
   */
  flushed(flush: NameFlush, reply: unknown, monoSent: number): void {
    const parts = Array.isArray(reply) ? reply : undefined;
    if (flush.batch !== undefined) {
      const counts = parts === undefined ? undefined : replyString(parts[1]).split(',').map(Number);
      this.counts.settle(flush.batch, counts, monoSent);
    }
    if (parts === undefined) return;
    const bad = replyNumber(parts[2]) === 1;
    if (bad) this.reportBadData('state or counts');
    this.reconcile(decodeState(parts[0]), bad);
  }

  /** Reports that Redis held bad data of this name (at most once a second). */
  reportBadData(what: string): void {
    this.#report(
      `Redis held ${what} data of circuit "${this.name}" that is not what the store writes (under ${this.keys.state}); it was treated as absent and written over`,
    );
  }

  /** Reports a `StoreDataError` with `message` (at most one a second for this name). */
  #report(message: string): void {
    const now = performance.now();
    if (now - this.#lastReport < reportEveryMs) return;
    this.#lastReport = now;
    this.#context.report(this.name, new StoreDataError(message, this.name));
  }
}
