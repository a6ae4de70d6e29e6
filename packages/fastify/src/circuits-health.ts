import type { BreakerRegistry } from '@tripswitch/core';
import { checkCircuitsHealthOptions } from '@tripswitch/core/internal';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Registration } from './registration.ts';

/** Options of {@link circuitsHealth}. */
export interface CircuitsHealthOptions {
  /**
   * The registry to report on. Pass the registry your HTTP clients share (axios, got, fetch) to
   * report their breakers too.
   * @defaultValue the registry of the {@link breakerPlugin} registration nearest to the route
   * (`app.breakers`)
   */
  registry?: BreakerRegistry;
  /**
   * The status sent when any circuit is open, forced open or half-open.
   * @defaultValue 503
   */
  degradedStatus?: number;
}

/** A route handler of {@link circuitsHealth}. */
export type CircuitsHealthHandler = (request: FastifyRequest, reply: FastifyReply) => void;

// The handlers circuitsHealth() made: a route that uses one is neither guarded nor counted.
const healthHandlers = new WeakSet<object>();

/**
 * A route handler that reports the breakers' health as JSON: `{ status, breakers }`, with each
 * breaker's name, state, failure rate, slow-call rate, calls in the window and refusals so far
 * (`BreakerRegistry.health()`). It answers 200 when every circuit is closed (or disabled), and
 * `degradedStatus` (503) when any is open, forced open or half-open.
 *
 * Without `registry` it reports the registry of the {@link breakerPlugin} registration nearest
 * to its route (`app.breakers`). Its route is never guarded or counted by the plugin, so an open
 * circuit does not refuse the health check.
 *
 * @throws `InvalidOptionError` when an option is invalid.
 *
 * @example
 * ```ts
 * import { breakerPlugin, circuitsHealth } from '@tripswitch/fastify';
 *
 * await app.register(breakerPlugin);
 * app.get('/health/circuits', circuitsHealth()); // 200 while all closed, else 503
 * ```
 */
export function circuitsHealth(options: CircuitsHealthOptions = {}): CircuitsHealthHandler {
  const { registry, degradedStatus } = checkCircuitsHealthOptions(options);
  const handler: CircuitsHealthHandler = function circuitsHealth(request, reply) {
    const source = registry ?? Registration.nearest(request.server)?.registry;
    if (source === undefined) {
      throw new Error(
        'circuitsHealth() has no breakers to report: register breakerPlugin in this scope or an enclosing one, or pass circuitsHealth({ registry })',
      );
    }
    const health = source.health();
    reply
      .code(health.status === 'ok' ? 200 : degradedStatus)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(JSON.stringify(health));
  };
  healthHandlers.add(handler);
  return handler;
}

/** @internal Whether `handler` reports health: its route is left alone. */
export function isHealthHandler(handler: unknown): boolean {
  return typeof handler === 'function' && healthHandlers.has(handler);
}
