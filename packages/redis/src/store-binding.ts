import type { StoreBinding } from '@tripswitch/core';
import type { BoundCircuit } from './bound-circuit.ts';
import type { NameEntry } from './name-entry.ts';
import type { StoreContext } from './store-context.ts';

/**
 * @internal The binding one breaker receives. Every method is synchronous and never throws (the
 * engine's contract): what needs Redis happens in the background. After `unbind` it does nothing.
 */
export function storeBinding(
  entry: NameEntry,
  bound: BoundCircuit,
  context: StoreContext,
  onUnbind: () => void,
): StoreBinding {
  let active = true;
  const { counts } = entry;
  return {
    publish(state, expectedVersion) {
      if (!active) return;
      try {
        entry.publish(bound, state, expectedVersion);
      } catch {
        // Never let the store reach the call path.
      }
    },
    record(failed, slow, now) {
      if (active) counts.record(failed, slow, now);
    },
    fleetCounts(now) {
      return active && context.available() ? counts.read(now) : undefined;
    },
    takeTrial() {
      if (!active) return undefined;
      try {
        return bound.trials.take();
      } catch {
        return undefined;
      }
    },
    trialSettled(outcome) {
      if (!active) return;
      try {
        bound.trials.settled(outcome);
      } catch {
        // Never let the store reach the call path.
      }
    },
    unbind() {
      if (!active) return;
      active = false;
      bound.trials.close();
      onUnbind();
    },
  };
}
