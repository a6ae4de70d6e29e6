import type { SharedCircuitState } from '@tripswitch/core';
import type { BoundCircuit } from './bound-circuit.ts';
import type { NameEntry } from './name-entry.ts';
import { replyNumber, replyString } from './reply.ts';
import { settleTrial, tagArg, takeTrial } from './scripts.ts';
import { decodeState } from './shared-state-codec.ts';
import type { StoreContext } from './store-context.ts';

interface Lease {
  /** The fleet's version of the half-open state it was granted in. */
  readonly version: number;
  readonly id: string;
}

/**
 * @internal The fleet's half-open trial grants, as one breaker holds them. The engine asks for a
 * trial synchronously, so grants are fetched ahead from Redis: the breaker takes the grant it
 * holds, if any, and the next is asked for in the background. A breaker holding none refuses
 * that call — the fleet's trials may all be out — until the answer arrives. A grant fetched but
 * not used soon is given back, so that an idle process never sits on the fleet's trials.
 */
export class TrialGrants {
  readonly #bound: BoundCircuit;
  readonly #entry: NameEntry;
  readonly #context: StoreContext;
  #held: Lease | undefined;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** Trials taken and not settled yet, oldest first. */
  #taken: Lease[] = [];
  #asking = false;
  #askAfter = 0;
  #closed = false;

  constructor(bound: BoundCircuit, entry: NameEntry, context: StoreContext) {
    this.#bound = bound;
    this.#entry = entry;
    this.#context = context;
  }

  /** See `StoreBinding.takeTrial`. */
  take(): boolean | undefined {
    if (this.#closed || !this.#context.available()) return undefined;
    const state = this.#bound.fleetState();
    if (state.state !== 'half-open') return undefined;
    const held = this.#held;
    if (held !== undefined) {
      this.#release();
      // A grant of an earlier half-open period died with it in Redis.
      if (held.version === state.version) {
        this.#taken.push(held);
        this.#ask(state);
        return true;
      }
    }
    this.#ask(state);
    return false;
  }

  /** See `StoreBinding.trialSettled`. */
  settled(outcome: 'success' | 'failure' | 'ignored'): void {
    if (this.#closed) return;
    const version = this.#bound.fleetState().version;
    // The engine settles only trials of its current state; older leases were cleared in Redis.
    if (this.#taken.some((lease) => lease.version !== version)) {
      this.#taken = this.#taken.filter((lease) => lease.version === version);
    }
    const lease = this.#taken.shift();
    if (lease !== undefined) this.#settle(lease, outcome);
  }

  /** The breaker left the store: gives back a grant it holds. Leases of trials out expire in Redis. */
  close(): void {
    this.#closed = true;
    const held = this.#held;
    this.#release();
    if (held !== undefined) this.#settle(held, 'ignored');
  }

  #release(): void {
    this.#held = undefined;
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
  }

  #ask(state: Extract<SharedCircuitState, { openedAt: number }>): void {
    if (this.#asking || this.#held !== undefined || performance.now() < this.#askAfter) return;
    this.#asking = true;
    const { settings } = this.#context;
    // A lease lasts as long as the engine lets a trial run: halfOpenTimeoutMs, or by default the
    // open period before, so a slow trial is not replaced by another while it still runs. That
    // period is the breaker's, which takes none longer than any duration may (see
    // StoreCircuit.adopt).
    const circuit = this.#bound.circuit;
    const trialMs = circuit.halfOpenTimeoutMs ?? state.openUntil - state.openedAt;
    const leaseMs = Math.max(1, Math.ceil(trialMs));
    void this.#context
      .run(
        takeTrial,
        [this.#entry.keys.state, this.#entry.keys.trials],
        [state.version, circuit.halfOpenMaxCalls, leaseMs, settings.stateTtlMs],
        this.#entry.name,
      )
      .then((reply) => {
        this.#asking = false;
        if (reply === undefined) return;
        if (replyNumber(reply[2]) === 1) this.#entry.reportBadData('trial');
        const code = replyNumber(reply[0]);
        if (code === 1) {
          this.#hold({ version: state.version, id: replyString(reply[1]) });
          return;
        }
        // Asked again at most once a flush interval: what a name costs Redis stays bounded.
        this.#askAfter = performance.now() + settings.flushIntervalMs;
        if (code === 0) return;
        // Redis has no state (-1) or another one (-2): follow it, or put ours back.
        this.#entry.reconcile(decodeState(reply[1]));
      })
      .catch(() => {
        this.#asking = false;
      });
  }

  #hold(lease: Lease): void {
    const state = this.#bound.fleetState();
    if (
      this.#closed ||
      this.#held !== undefined ||
      state.state !== 'half-open' ||
      state.version !== lease.version
    ) {
      this.#settle(lease, 'ignored');
      return;
    }
    this.#held = lease;
    const { flushIntervalMs } = this.#context.settings;
    this.#holdTimer = setTimeout(
      () => {
        if (this.#held !== lease) return;
        this.#release();
        this.#settle(lease, 'ignored');
      },
      Math.max(100, flushIntervalMs),
    );
    this.#holdTimer.unref?.();
  }

  #settle(lease: Lease, outcome: 'success' | 'failure' | 'ignored'): void {
    if (!this.#context.available()) return; // the lease expires in Redis by itself
    const { channel, settings } = this.#context;
    void this.#context
      .run(
        settleTrial,
        [this.#entry.keys.state, this.#entry.keys.trials],
        [
          lease.version,
          lease.id,
          outcome,
          this.#bound.circuit.halfOpenMaxCalls,
          channel,
          tagArg(this.#entry.keys),
          settings.stateTtlMs,
        ],
        this.#entry.name,
      )
      .then((reply) => {
        if (reply === undefined) return;
        if (replyNumber(reply[2]) === 1) this.#entry.reportBadData('trial');
        // The success that completed the fleet's trials closed the circuit: adopt it at once.
        if (replyNumber(reply[0]) === 1) {
          const closed = decodeState(reply[1]);
          if (closed !== undefined) this.#entry.reconcile(closed);
        }
      })
      .catch(() => {});
  }
}
