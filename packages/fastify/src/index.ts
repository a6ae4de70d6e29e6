/**
 * @module
 * `@tripswitch/fastify`: circuit breakers for Fastify 5. A plugin that guards the routes of the
 * scope it is registered in (503 with `Retry-After` while a circuit is open, and the handler
 * never runs), breakers per route or per key, the same 503 for a refusal thrown by an outgoing
 * HTTP client's breaker, and a health route that reports every breaker. The core's refusal
 * errors, their guards and `BreakerRegistry` are re-exported, so this one package is all a
 * Fastify user imports.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { breakerPlugin, circuitsHealth } from '@tripswitch/fastify';
 *
 * const app = Fastify();
 * await app.register(breakerPlugin, { failureRateThreshold: 50 });
 * app.get<{ Params: { id: string } }>('/orders/:id', async (request) => orders.find(request.params.id));
 * app.get('/internal/ping', { config: { breaker: false } }, async () => 'pong');
 * app.get('/health/circuits', circuitsHealth());
 * ```
 */
import './fastify-types.ts';

export {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
export type { RefusalProblem, RefusalProblemFunction } from '@tripswitch/core/http';
export { breakerPlugin } from './breaker-plugin.ts';
export {
  type CircuitsHealthHandler,
  type CircuitsHealthOptions,
  circuitsHealth,
} from './circuits-health.ts';
export type {
  BreakerPluginOptions,
  BreakerRouteOptions,
  KeyedRouteOptions,
  NamedRouteOptions,
  PluginOwnOptions,
  RefusalHandler,
  RouteBreakerOptions,
  RouteCommonOptions,
} from './options.ts';
