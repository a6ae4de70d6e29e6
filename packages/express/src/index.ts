/**
 * @module
 * `@tripswitch/express`: circuit breakers for Express 4 and 5. A middleware that protects your
 * routes (503 with `Retry-After` while a circuit is open, and the route handler never runs), an
 * error handler that turns a refusal thrown by an outgoing HTTP client into the same 503, and a
 * health endpoint that reports every breaker. The core's refusal errors, their guards and
 * `BreakerRegistry` are re-exported, so this one package is all an Express user imports.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { breakerErrorHandler, breakerMiddleware, circuitsHealth } from '@tripswitch/express';
 *
 * const app = express();
 * app.get('/health/circuits', circuitsHealth());
 * app.use(breakerMiddleware({ failureRateThreshold: 50, slowCallDurationMs: 2_000 }));
 * app.get('/orders/:id', getOrder);
 * app.use(breakerErrorHandler());
 * ```
 */
export {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
export type { RefusalProblem, RefusalProblemFunction } from '@tripswitch/core/http';
export { type BreakerErrorHandlerOptions, breakerErrorHandler } from './breaker-error-handler.ts';
export { breakerMiddleware } from './breaker-middleware.ts';
export { type CircuitsHealthOptions, circuitsHealth } from './circuits-health.ts';
export type {
  BreakerMiddlewareOptions,
  KeyedMiddlewareOptions,
  MiddlewareCommonOptions,
  NamedMiddlewareOptions,
  RefusalHandler,
  RouteBreakerOptions,
} from './options.ts';
