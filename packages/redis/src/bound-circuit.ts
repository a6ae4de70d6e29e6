import type { SharedCircuitState, StoreCircuit } from '@tripswitch/core';
import { compareVersions, shiftVersion } from './fleet-version.ts';
import { type FleetState, sameState } from './shared-state-codec.ts';
import type { TrialGrants } from './trial-grants.ts';

/**
 * @internal What became of a state the fleet offered a breaker: `'bounded'` when the breaker
 * took its open period bounded on its own clock (it began far ahead, or lasted longer than any
 * period may: see `StoreCircuit.adopt`), and holds that state now.
 */
export type Offered = 'same' | 'adopted' | 'bounded' | 'ahead';

/**
 * @internal One breaker bound to the store, and how its versions map to the fleet's.
 *
 * A breaker counts its own versions, and takes on a state only when its version is newer than
 * its own. Were the fleet's versions handed to it as they are, one hostile version near the top
 * would leave no room above it: the breaker would refuse every later state. So the store keeps
 * the fleet's versions to itself: a breaker adopts a state at its own next version, and the
 * store remembers the offset between the two counts. The breaker's count only ever grows by one
 * per transition, whatever Redis holds.
 */
export class BoundCircuit {
  readonly circuit: StoreCircuit;
  readonly trials: TrialGrants;
  /** The fleet's version minus the breaker's, on the version ring. */
  #offset = 0;
  /** The state the store last saw the breaker in: whether a transition is an operator's. */
  #kind: string;
  /** Whether the breaker's state is a transition of its own that Redis has not yet confirmed. */
  #unconfirmed = false;

  constructor(circuit: StoreCircuit, trials: (bound: BoundCircuit) => TrialGrants) {
    this.circuit = circuit;
    let kind = 'closed';
    try {
      kind = circuit.current().state;
    } catch {
      // The engine's current() does not throw; binding must not, whatever the circuit.
    }
    this.#kind = kind;
    this.trials = trials(this);
  }

  /** The breaker's current state, in the fleet's versions. */
  fleetState(): SharedCircuitState {
    const state = this.circuit.current();
    return { ...state, version: this.fleetVersionOf(state.version) };
  }

  /** The fleet's version of the breaker's version `version`. */
  fleetVersionOf(version: number): number {
    return shiftVersion(version, this.#offset);
  }

  /**
   * The breaker changed state itself. Resolves whether it was an operator's action (isolate,
   * disable, or a reset: closing from anything but half-open), which the fleet takes whatever
   * it held before; a trip, an open period ending or a trial's outcome is a compare-and-set.
   */
  transitioned(state: SharedCircuitState): boolean {
    const from = this.#kind;
    this.#kind = state.state;
    this.#unconfirmed = true;
    return (
      state.state === 'forced-open' ||
      state.state === 'disabled' ||
      (state.state === 'closed' && from !== 'half-open')
    );
  }

  /** Whether the breaker's state is a transition of its own that Redis has not yet confirmed. */
  get unconfirmed(): boolean {
    return this.#unconfirmed;
  }

  /** Redis holds the breaker's state of version `version` at the fleet's version `fleetVersion`. */
  written(version: number, fleetVersion: number): void {
    this.#offset = shiftVersion(fleetVersion, -version);
    this.#unconfirmed = false;
  }

  /**
   * Brings the fleet's state to the breaker, unless the breaker is ahead of it: then the caller
   * puts it back. A breaker is ahead with a transition of its own on its way to Redis or made
   * while Redis was away; or with a state Redis held once and no longer does, unless what Redis
   * holds now is an operator's — written by a process that never saw the newer version.
   */
  offer(fleet: FleetState): Offered {
    const own = this.circuit.current();
    const order = compareVersions(fleet.version, this.fleetVersionOf(own.version));
    if (order === 'older' && (this.#unconfirmed || fleet.byOperator !== true)) return 'ahead';
    if (order === 'same' && sameState(fleet, own)) {
      // Redis holds the breaker's own state: confirmed, though the reply to its write was lost
      // (a command past the timeout that Redis ran all the same). Left unconfirmed, the breaker
      // would put it back over an operator's state written behind it.
      this.#unconfirmed = false;
      return 'same';
    }
    const { byOperator: _, ...state } = fleet;
    const taken: unknown = this.circuit.adopt({
      ...state,
      version: own.version + 1,
    } as SharedCircuitState);
    const now = this.circuit.current();
    this.#kind = now.state;
    this.#offset = shiftVersion(fleet.version, -now.version);
    this.#unconfirmed = false;
    // The breaker answers the state it took instead of a period no breaker sets; it holds it
    // still unless a listener of its stateChange moved it on (and published that).
    return typeof taken === 'object' &&
      taken !== null &&
      (taken as SharedCircuitState).version === now.version &&
      sameState(taken as SharedCircuitState, now)
      ? 'bounded'
      : 'adopted';
  }
}
