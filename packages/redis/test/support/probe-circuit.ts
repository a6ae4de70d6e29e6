// A circuit of the test's own, bound to a store beside real breakers of the same name, to read
// what the store knows (its fleet figure, the states it brings) through the BreakerStore API.
import type { SharedCircuitState, StoreBinding, StoreCircuit } from '@tripswitch/core';
import type { RedisBreakerStore } from '../../src/index.ts';

export interface Probe {
  readonly binding: StoreBinding;
  readonly adopted: SharedCircuitState[];
}

/** Binds a probe named `name`; it stays closed at version 0, so it never outranks a breaker. */
export function bindProbe(store: RedisBreakerStore, name: string): Probe {
  const adopted: SharedCircuitState[] = [];
  const circuit: StoreCircuit = {
    name,
    halfOpenMaxCalls: 1,
    halfOpenTimeoutMs: undefined,
    current: () => ({ version: 0, state: 'closed' }),
    adopt: (state) => {
      adopted.push(state);
    },
  };
  return { binding: store.bind(circuit), adopted };
}
