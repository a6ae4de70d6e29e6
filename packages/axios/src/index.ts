/**
 * @module
 * `@tripswitch/axios`: circuit breakers for axios. `attachBreaker(instance)` gives every origin
 * the instance talks to its own breaker; when one opens, requests to it are refused before any
 * byte leaves the process, with the core's `CircuitOpenError`. The core's error classes, their
 * guards and `BreakerRegistry` are re-exported, so this one package is all an axios user imports.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { attachBreaker, isCircuitOpenError } from '@tripswitch/axios';
 *
 * const api = axios.create({ baseURL: 'https://payments.internal', timeout: 2_000 });
 * attachBreaker(api, { failureRateThreshold: 50 });
 *
 * const receipt = await api.post('/charges', order).catch((error: unknown) => {
 *   if (isCircuitOpenError(error)) return queueForLater(order);
 *   throw error;
 * });
 * ```
 */
export {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
export { attachBreaker } from './attach-breaker.ts';
export type { AxiosBreakerOptions, AxiosOutcome } from './options.ts';
