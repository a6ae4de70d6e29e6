import type { BreakerRegistry } from '@tripswitch/core';
import {
  boundedHealth,
  checkCircuitsHealthOptions,
  combinedHealth,
} from '@tripswitch/core/internal';
import type { Request, RequestHandler, Response } from 'express';
import { registriesOf } from './app-registries.ts';

/** Options of {@link circuitsHealth}. */
export interface CircuitsHealthOptions {
  /**
   * The registry to report on. Pass the registry your HTTP clients share (axios, got) to report
   * their breakers too.
   * @defaultValue the breakers of every {@link breakerMiddleware} that has served a request on
   * this app or an app mounted in it
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
 * with each breaker's name (cut to `maxNameLength`), state, failure rate, slow-call rate, calls
 * in the window and refusals so far (`BreakerRegistry.health()`). It answers 200 when every
 * circuit is closed (or disabled), and `degradedStatus` (503) when any is open, forced open or
 * half-open.
 *
 * Without `registry` it reports the breakers of the {@link breakerMiddleware} instances on the
 * same app (and apps mounted in it); a middleware joins the report when it serves its first
 * request. Breakers of outgoing HTTP clients (axios, got) appear when you give them a shared
 * `registry` and pass that registry here.
 *
 * Mount it before `breakerMiddleware`, so an open circuit does not refuse the health check.
 *
 * @throws `InvalidOptionError` when an option is invalid.
 *
 * @example
 * ```ts
 * import { attachBreaker } from '@tripswitch/axios';
 * import { BreakerRegistry, breakerMiddleware, circuitsHealth } from '@tripswitch/express';
 *
 * const registry = new BreakerRegistry();
 * attachBreaker(pricingClient, { registry }); // the axios client's breakers are reported too
 * app.get('/health/circuits', circuitsHealth({ registry }));
 * app.use(breakerMiddleware({ registry }));
 * ```
 */
export function circuitsHealth(options: CircuitsHealthOptions = {}): RequestHandler {
  const { registry, degradedStatus, maxNameLength } = checkCircuitsHealthOptions(options);
  return function circuitsHealth(req: Request, res: Response): void {
    const sources = registry === undefined ? registriesOf(req.app) : [registry];
    const health = boundedHealth(combinedHealth(sources), maxNameLength);
    res.writeHead(health.status === 'ok' ? 200 : degradedStatus, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify(health));
  };
}
