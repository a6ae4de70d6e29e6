import type { BreakerRegistry } from '@tripswitch/core';
import { boundedHealth, checkCircuitsHealthOptions } from '@tripswitch/core/internal';
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
  /**
   * The longest breaker name the report shows, in UTF-16 code units: an integer from 32 to
   * 65_536. Names can come from request input (a key made of a path segment or a host, up to
   * some 16 KB), and the report lists every breaker, so a registry full of long keys would make
   * every health check megabytes long. A longer name is cut to this length: its first units,
   * `…`, then 16 hexadecimal digits computed from the whole name, so names that start alike
   * stay apart (with a limit of 36, `/tenants/acme-corporation/orders/12345` is
   * `/tenants/acme-corpo…d5cd80ba7bf12907`), the label the metrics packages give it at the
   * same limit. Shorter names are as they are.
   * @defaultValue 120
   */
  maxNameLength?: number;
}

/** A route handler of {@link circuitsHealth}. */
export type CircuitsHealthHandler = (request: FastifyRequest, reply: FastifyReply) => void;

// The handlers circuitsHealth() made: a route that uses one is neither guarded nor counted.
const healthHandlers = new WeakSet<object>();

/**
 * A route handler that reports the breakers' health as JSON: `{ status, overflows, breakers }`,
 * with each breaker's name (cut to `maxNameLength`), state, failure rate, slow-call rate, calls
 * in the window and refusals so far (`BreakerRegistry.health()`). It answers 200 when every
 * circuit is closed (or disabled), and `degradedStatus` (503) when any is open, forced open or
 * half-open.
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
  const { registry, degradedStatus, maxNameLength } = checkCircuitsHealthOptions(options);
  const handler: CircuitsHealthHandler = function circuitsHealth(request, reply) {
    const source = registry ?? Registration.nearest(request.server)?.registry;
    if (source === undefined) {
      throw new Error(
        'circuitsHealth() has no breakers to report: register breakerPlugin in this scope or an enclosing one, or pass circuitsHealth({ registry })',
      );
    }
    const health = boundedHealth(source.health(), maxNameLength);
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
