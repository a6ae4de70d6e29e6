/**
 * @module
 * `@tripswitch/fetch`: circuit breakers for `fetch`. `withBreaker(fetch)` returns a function with
 * `fetch`'s own type that gives every origin it calls its own breaker; when one opens, calls to
 * it are refused before any byte leaves the process, with the core's `CircuitOpenError`. Only
 * web-standard APIs: Node.js, Bun, Deno, browsers and edge runtimes alike. For undici's own
 * agents, see `@tripswitch/fetch/undici`. The core's error classes, their guards and
 * `BreakerRegistry` are re-exported, so this one package is all a fetch user imports.
 *
 * @example
 * ```ts
 * import { isCircuitOpenError, withBreaker } from '@tripswitch/fetch';
 *
 * const fetch = withBreaker(globalThis.fetch, { failureRateThreshold: 50 });
 *
 * const receipt = await fetch('https://payments.internal/charges', { method: 'POST', body })
 *   .catch((error: unknown) => {
 *     if (isCircuitOpenError(error)) return queueForLater(body);
 *     throw error;
 *   });
 * ```
 */
export {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
export type { FetchBreakerOptions, FetchInput, FetchOutcome } from './fetch-options.ts';
export { withBreaker } from './with-breaker.ts';
