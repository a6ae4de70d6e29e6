// An in-memory store that follows the BreakerStore contract the way a network store does, for
// testing the engine's side of it: state kept per name with a version and compare-and-set
// publication, fleet counts, fleet-wide trial grants. Publications can be held back and
// delivered later, as a network would, and the store can be made unavailable.
import type {
  BreakerStore,
  SharedCircuitState,
  StoreBinding,
  StoreCircuit,
  WindowCounts,
} from '../../src/index.ts';

interface Shared {
  state: SharedCircuitState;
  members: Set<StoreCircuit>;
  counts: Array<{ at: number; failed: boolean; slow: boolean }>;
  granted: number;
  succeeded: number;
}

export class MemoryStore implements BreakerStore {
  /** When false, the store answers nothing and publishes nothing, like a store whose network is down. */
  available = true;
  /** When true, publications wait in `pending` until `deliver()`. */
  holdPublications = false;
  readonly windowMs: number;
  readonly #shared = new Map<string, Shared>();
  readonly #pending: Array<() => void> = [];

  constructor(windowMs = 10_000) {
    this.windowMs = windowMs;
  }

  /** Delivers held publications in the order they were made. */
  deliver(): void {
    for (const publish of this.#pending.splice(0)) publish();
  }

  stateOf(name: string): SharedCircuitState | undefined {
    return this.#shared.get(name)?.state;
  }

  bind(circuit: StoreCircuit): StoreBinding {
    let shared = this.#shared.get(circuit.name);
    if (shared === undefined) {
      shared = {
        state: circuit.current(),
        members: new Set(),
        counts: [],
        granted: 0,
        succeeded: 0,
      };
      this.#shared.set(circuit.name, shared);
    } else if (this.available) {
      circuit.adopt(shared.state);
    }
    const entry = shared;
    entry.members.add(circuit);
    const broadcast = (state: SharedCircuitState) => {
      entry.state = state;
      entry.granted = 0;
      entry.succeeded = 0;
      for (const member of entry.members) member.adopt(state);
    };
    return {
      publish: (state, expectedVersion) => {
        if (!this.available) return;
        const apply = () => {
          if (entry.state.version === expectedVersion) broadcast(state);
          else circuit.adopt(entry.state);
        };
        if (this.holdPublications) this.#pending.push(apply);
        else apply();
      },
      record: (failed, slow, now) => {
        if (this.available) entry.counts.push({ at: now, failed, slow });
      },
      fleetCounts: (now): WindowCounts | undefined => {
        if (!this.available) return undefined;
        const recent = entry.counts.filter((c) => now - c.at < this.windowMs);
        return {
          calls: recent.length,
          failures: recent.filter((c) => c.failed).length,
          slowCalls: recent.filter((c) => c.slow).length,
        };
      },
      takeTrial: () => {
        if (!this.available) return undefined;
        if (entry.state.state !== 'half-open' || entry.granted >= circuit.halfOpenMaxCalls)
          return false;
        entry.granted++;
        return true;
      },
      trialSettled: (outcome) => {
        if (!this.available) return;
        if (outcome === 'ignored') entry.granted--;
        if (outcome !== 'success') return;
        entry.succeeded++;
        if (entry.succeeded >= circuit.halfOpenMaxCalls) {
          broadcast({ version: entry.state.version + 1, state: 'closed' });
        }
      },
      unbind: () => {
        entry.members.delete(circuit);
      },
    };
  }
}
