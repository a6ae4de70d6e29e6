/**
 * @module
 * `@tripswitch/core`: the circuit-breaker engine. A breaker watches the calls to one dependency
 * and refuses them for a while when too many fail or are slow. No dependencies, no timers, no
 * Node-only APIs: it runs unchanged in Node.js, Bun, Deno and edge runtimes.
 *
 * @example
 * ```ts
 * import { CircuitBreaker } from '@tripswitch/core';
 *
 * const breaker = new CircuitBreaker({ name: 'inventory', timeoutMs: 2_000 });
 * const stock = await breaker.execute((signal) => fetch(inventoryUrl, { signal }).then((r) => r.json()));
 * ```
 */

export { type AdaptiveThrottlingOptions, adaptiveThrottling } from './adaptive-throttling.ts';
export {
  type ExponentialBackoffOptions,
  exponentialBackoff,
  type OpenDurationFn,
} from './backoff.ts';
export {
  type ConsecutiveFailuresRuleOptions,
  consecutiveFailuresRule,
  failureRateRule,
  type RateRuleOptions,
  slowCallRateRule,
} from './built-in-rules.ts';
export { type BreakerStats, CircuitBreaker, type ExecuteOptions } from './circuit-breaker.ts';
export { type Clock, systemClock } from './clock.ts';
export {
  BulkheadFullError,
  CircuitOpenError,
  type CircuitRefusal,
  CircuitTimeoutError,
  InvalidOptionError,
  isBulkheadFullError,
  isCircuitOpenError,
  isCircuitTimeoutError,
  isInvalidOptionError,
  isTripswitchError,
  TripswitchError,
  type TripswitchErrorCode,
} from './errors.ts';
export type {
  BreakerEventName,
  BreakerEvents,
  BreakerListener,
  IgnoreReason,
  LateSettlementCause,
  RejectionReason,
  TransitionReason,
} from './events.ts';
export {
  type BulkheadOptions,
  type CircuitBreakerOptions,
  type OpenDuration,
  validateBreakerOptions,
  type WindowOptions,
} from './options.ts';
export type { FailureOptions, Permit } from './permit.ts';
export {
  BreakerRegistry,
  type BreakerRegistryOptions,
  isBreakerRegistry,
  type RegistryBreakerOptions,
  type RegistryHealth,
} from './registry.ts';
export type { BreakerSnapshot, CircuitState } from './snapshot.ts';
export type {
  BreakerStore,
  SharedCircuitState,
  StoreBinding,
  StoreCircuit,
  WindowCounts,
} from './store.ts';
export type { Throttle, TripCounts, TripRule } from './trip-rule.ts';
