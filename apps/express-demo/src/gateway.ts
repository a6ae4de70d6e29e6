import { attachBreaker } from '@tripswitch/axios';
import { BreakerRegistry } from '@tripswitch/core';
import { dashboardHandler } from '@tripswitch/dashboard';
import { breakerErrorHandler, breakerMiddleware, circuitsHealth } from '@tripswitch/express';
import { collectBreakerMetrics } from '@tripswitch/prometheus';
import axios from 'axios';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Registry as MetricsRegistry } from 'prom-client';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** The upstream's base URL. */
  upstreamUrl: string;
  /** Where the gateway's breakers live; pass one to watch them. @defaultValue a new registry */
  registry?: BreakerRegistry;
  /** How long a request to the upstream may take before axios gives up. @defaultValue 1_000 */
  upstreamTimeoutMs?: number;
}

/**
 * A small API gateway: `GET /items/:id` fetches the item from the upstream through axios.
 * Two kinds of breaker protect it, all in one registry:
 * - `@tripswitch/axios` gives the upstream's origin a breaker: when the upstream fails, calls
 *   to it stop at once, and `breakerErrorHandler()` turns the refusal into a fast 503;
 * - `@tripswitch/express` guards the gateway's own routes.
 * `GET /health/circuits` reports both, `GET /metrics` exposes them to Prometheus, and
 * `/breakers/` shows them live (with isolate and reset buttons for requests from this machine).
 */
export function createGateway(options: GatewayOptions): Express {
  const registry = options.registry ?? new BreakerRegistry();
  const upstream = axios.create({
    baseURL: options.upstreamUrl,
    timeout: options.upstreamTimeoutMs ?? 1_000,
    headers: { 'x-client': 'gateway' }, // lets the upstream count the gateway's requests apart
  });
  attachBreaker(upstream, { registry, minimumCalls: 5, window: { type: 'count', size: 10 } });

  // A metrics registry of its own: a process may build several gateways (its tests do).
  const metrics = new MetricsRegistry();
  collectBreakerMetrics(registry, { register: metrics });

  const app = express();
  // Mounted before the gateway's breaker, so they are never refused and never counted.
  app.get('/health/circuits', circuitsHealth({ registry }));
  app.get('/metrics', async (_req: Request, res: Response) => {
    res.set('content-type', metrics.contentType).send(await metrics.metrics());
  });
  app.use(
    '/breakers',
    dashboardHandler(registry, {
      controls: true,
      // A demo on 127.0.0.1: only this machine may isolate or reset its breakers.
      authorize: (req) =>
        ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? ''),
    }),
  );
  app.use(
    breakerMiddleware({
      name: 'gateway',
      registry,
      // Only the gateway's own errors: a 502, 503 or 504 says the upstream is failing, and the
      // upstream's breaker already judges that.
      isFailure: (status) => status === 500 || status > 504,
    }),
  );
  app.get('/items/:id', async (req: Request, res: Response) => {
    const { data } = await upstream.get(`/items/${encodeURIComponent(String(req.params.id))}`);
    res.json({ item: data, via: 'gateway' });
  });
  app.use(breakerErrorHandler());
  // What is left: the upstream answered with an error, or could not be reached.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = axios.isAxiosError(error) && error.response ? 502 : 504;
    res.status(status).json({ error: error instanceof Error ? error.message : String(error) });
  });
  return app;
}
