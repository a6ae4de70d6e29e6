/**
 * @module
 * `@tripswitch/fetch/undici`: circuit breakers for undici's dispatchers. `breakerInterceptor()`
 * goes into `Dispatcher.compose()` and gives every origin the dispatcher talks to its own
 * breaker, for everything sent through it: `fetch` (undici's, or Node.js's own given the
 * dispatcher — an undici 8 one wrapped in undici's `Dispatcher1Wrapper`), `undici.request()`,
 * `stream()` and the rest. undici 7 and 8. For `fetch` on its own, in any runtime, see
 * `withBreaker()` from `@tripswitch/fetch`.
 *
 * @example
 * ```ts
 * import { Agent, fetch, interceptors } from 'undici';
 * import { breakerInterceptor } from '@tripswitch/fetch/undici';
 *
 * const dispatcher = new Agent().compose(
 *   breakerInterceptor({ failureRateThreshold: 50, openDurationMs: 10_000 }),
 *   interceptors.retry({ maxRetries: 2 }), // runs first: each retry goes through the breaker
 * );
 *
 * const response = await fetch('https://inventory.internal/stock/42', { dispatcher });
 * ```
 */
export {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
export type { FallbackResponse } from '@tripswitch/core/http';
export { breakerInterceptor } from './breaker-interceptor.ts';
export type { UndiciBreakerOptions, UndiciOutcome, UndiciResponse } from './options.ts';
