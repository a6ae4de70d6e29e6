/**
 * @module
 * `@tripswitch/got`: circuit breakers for got 15 and 16. `got.extend(breakerHooks())` gives
 * every origin the client talks to its own breaker, and puts each attempt — got's own retries
 * included — through it; when one opens, requests to it fail before any byte leaves the
 * process, with the core's `CircuitOpenError`. The promise API and the stream API alike. The
 * core's error classes, their guards and `BreakerRegistry` are re-exported, so this one package
 * is all a got user imports.
 *
 * @example
 * ```ts
 * import got from 'got';
 * import { breakerHooks, isCircuitOpenError } from '@tripswitch/got';
 *
 * const client = got.extend(breakerHooks({ failureRateThreshold: 50 }));
 *
 * const body = await client('https://payments.internal/charges/42').json().catch((error: unknown) => {
 *   if (isCircuitOpenError(error)) return cachedCharge(42);
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
export { type BreakerHooks, breakerHooks } from './breaker-hooks.ts';
export type { GotFallbackResponse } from './fallback-response.ts';
export type { GotBreakerOptions, GotOutcome } from './options.ts';
