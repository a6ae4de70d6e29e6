import type { StoreBinding } from '../../src/index.ts';

/**
 * A store binding that does nothing — publishes nothing, counts nothing, grants no trial — for
 * tests of a store's side of the engine (what it is offered, when it binds) that need no fleet.
 * A new one per call, as a store binds each breaker anew. Not the engine's own `noStore`: a
 * breaker takes that one as having no store at all.
 */
export function inertBinding(): StoreBinding {
  return {
    publish() {},
    record() {},
    fleetCounts: () => undefined,
    takeTrial: () => undefined,
    trialSettled() {},
    unbind() {},
  };
}
