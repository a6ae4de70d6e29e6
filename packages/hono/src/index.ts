/**
 * @module
 * `@tripswitch/hono`: circuit breakers for Hono, on web-standard APIs only (tested on Node.js,
 * Bun, Deno and Cloudflare's workerd). A middleware that protects your routes (503 with
 * `Retry-After` while a circuit is open, and the handler never runs), which also answers a
 * refusal thrown by a downstream breaker (`withBreaker(fetch)`) with the same 503, and a health
 * endpoint that reports every breaker. The core's refusal errors, their guards and
 * `BreakerRegistry` are re-exported, so this one package is all a Hono user imports.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { breakerMiddleware, circuitsHealth } from '@tripswitch/hono';
 *
 * const app = new Hono();
 * app.use('/api/*', breakerMiddleware({ name: 'api', failureRateThreshold: 50 }));
 * app.get('/health/circuits', circuitsHealth());
 * ```
 */
export {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
export { breakerMiddleware } from './breaker-middleware.ts';
export { type CircuitsHealthOptions, circuitsHealth } from './circuits-health.ts';
export type { BreakerMiddlewareOptions, RefusalHandler, RouteBreakerOptions } from './options.ts';
