import type { BreakerStore } from '@tripswitch/core';

/**
 * A store that only keeps track of the breakers bound to it and not let go of yet, each as
 * `name #n` (the n-th binding), to show what an application leaves bound to a store that
 * outlives it.
 */
export function trackingStore(): BreakerStore & { readonly bound: Set<string> } {
  const bound = new Set<string>();
  let binds = 0;
  return {
    bound,
    bind: (circuit) => {
      const binding = `${circuit.name} #${++binds}`;
      bound.add(binding);
      return {
        publish: () => {},
        record: () => {},
        fleetCounts: () => undefined,
        takeTrial: () => undefined,
        trialSettled: () => {},
        unbind: () => bound.delete(binding),
      };
    },
  };
}
