import type { BreakerRegistry } from '@tripswitch/core';
import {
  boundedHealth,
  checkCircuitsHealthOptions,
  combinedHealth,
} from '@tripswitch/core/internal';
import type { Context } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import { reportedSources } from './health-sources.ts';

/** Options of {@link circuitsHealth}. */
export interface CircuitsHealthOptions {
  /**
   * The registry to report on. Pass the registry your middlewares and HTTP clients share
   * (`withBreaker(fetch, { registry })`) to report the clients' breakers too, and to keep the
   * report to one app when a process runs several.
   * @defaultValue the breakers of every {@link breakerMiddleware} in this process (or isolate)
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

/**
 * A route handler that reports the breakers' health as JSON: `{ status, overflows, breakers }`,
 * with each breaker's name (cut to `maxNameLength`), state, failure rate, slow-call rate,
 * calls in the window and refusals so far (`BreakerRegistry.health()`); `overflows` counts
 * requests on new keys served without a kept breaker because every breaker held was open. It
 * answers 200 when every circuit is closed (or disabled), and `degradedStatus` (503) when any is
 * open, forced open or half-open.
 *
 * Without `registry` it reports the breakers of every {@link breakerMiddleware} created in this
 * process (or isolate) and still in use: a Hono context carries no reference to its app, so the
 * report cannot be narrowed to one. Pass a shared `registry` to narrow it.
 *
 * Mount it outside the paths of `breakerMiddleware`, so an open circuit does not refuse the
 * health check.
 *
 * @throws `InvalidOptionError` when an option is invalid.
 *
 * @example
 * ```ts
 * import { withBreaker } from '@tripswitch/fetch';
 * import { BreakerRegistry, breakerMiddleware, circuitsHealth } from '@tripswitch/hono';
 *
 * const registry = new BreakerRegistry();
 * const fetchInventory = withBreaker(fetch, { registry }); // its breakers are reported too
 * app.get('/health/circuits', circuitsHealth({ registry }));
 * app.use('/api/*', breakerMiddleware({ name: 'api', registry }));
 * ```
 */
export function circuitsHealth(options: CircuitsHealthOptions = {}): (c: Context) => Response {
  const { registry, degradedStatus, maxNameLength } = checkCircuitsHealthOptions(options);
  return function circuitsHealth(c: Context): Response {
    const sources = registry === undefined ? reportedSources() : [registry];
    const health = boundedHealth(combinedHealth(sources), maxNameLength);
    const status = (health.status === 'ok' ? 200 : degradedStatus) as StatusCode;
    return c.newResponse(JSON.stringify(health), status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
  };
}
