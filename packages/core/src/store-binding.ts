import type { BreakerStore, StoreBinding, StoreCircuit } from './store.ts';

/**
 * @internal The binding of a breaker that has no store: it publishes nothing, counts nothing
 * and never knows better, so the breaker calls its binding on every path without asking first
 * whether it has one.
 */
export const noStore: StoreBinding = {
  publish() {},
  record() {},
  fleetCounts: () => undefined,
  takeTrial: () => undefined,
  trialSettled() {},
  unbind() {},
};

/** @internal Binds a breaker to `store`, or to {@link noStore} when it has none. */
export function bindStore(store: BreakerStore | undefined, circuit: StoreCircuit): StoreBinding {
  return store === undefined ? noStore : store.bind(circuit);
}
