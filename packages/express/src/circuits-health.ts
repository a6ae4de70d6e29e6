import type { BreakerRegistry } from '@tripswitch/core';
import { checkCircuitsHealthOptions, combinedHealth } from '@tripswitch/core/internal';
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
}

/**
 * A route handler that reports the breakers' health as JSON: `{ status, breakers }`, with each
 * breaker's name, state, failure rate, slow-call rate, calls in the window and refusals so far
 * (`BreakerRegistry.health()`). It answers 200 when every circuit is closed (or disabled), and
 * `degradedStatus` (503) when any is open, forced open or half-open.
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
  const { registry, degradedStatus } = checkCircuitsHealthOptions(options);
  return function circuitsHealth(req: Request, res: Response): void {
    const health = combinedHealth(registry === undefined ? registriesOf(req.app) : [registry]);
    res.writeHead(health.status === 'ok' ? 200 : degradedStatus, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify(health));
  };
}
