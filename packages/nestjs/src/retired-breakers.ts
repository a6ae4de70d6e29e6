import type { BreakerRegistry, CircuitBreaker } from '@tripswitch/core';
import type { MethodBreakerOptions } from './method-options.ts';

/**
 * The breakers of each closed application, by name: deleted from its registry, so let go of its
 * store, and kept here for the calls that outlive the close — a request or a job in flight that
 * calls a decorated method again. Without them such a call would build the breaker anew in the
 * registry, bound to the store for good (nothing deletes it again), and with a fresh closed
 * circuit where an open one refused.
 */
const retired = new WeakMap<BreakerRegistry, Map<string, CircuitBreaker<unknown>>>();

/**
 * @internal Deletes every breaker of `registry` (its application is closing), so a store that
 * outlives the application lets go of them, and keeps them for {@link breakerFor}.
 */
export function retireBreakers(registry: BreakerRegistry): void {
  let kept = retired.get(registry);
  if (kept === undefined) {
    kept = new Map();
    retired.set(registry, kept);
  }
  for (const breaker of registry.list()) {
    registry.delete(breaker.name);
    kept.set(breaker.name, breaker);
  }
}

/** @internal Whether `registry`'s application has closed and let go of its breakers. */
export function isRetired(registry: BreakerRegistry): boolean {
  return retired.has(registry);
}

/**
 * @internal The breaker named `name` for a decorated method: the registry's while its application
 * runs; once it has closed, the breaker it had, or one built for the name and let go of at once.
 */
export function breakerFor(
  registry: BreakerRegistry,
  name: string,
  options: MethodBreakerOptions | undefined,
): CircuitBreaker<unknown> {
  const kept = retired.get(registry);
  // Kept: a method's name is the application's, never a key from input, and the breaker must not
  // be evicted (its evidence lost, its health no longer reported) by a flood of keyed breakers.
  if (kept === undefined) return registry.keep(name, options);
  let breaker = kept.get(name);
  if (breaker === undefined) {
    breaker = registry.get(name, options) as CircuitBreaker<unknown>;
    registry.delete(name);
    kept.set(name, breaker);
  }
  return breaker;
}
