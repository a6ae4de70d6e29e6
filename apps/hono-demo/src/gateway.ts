import { withBreaker } from '@tripswitch/fetch';
import { BreakerRegistry, breakerMiddleware, circuitsHealth } from '@tripswitch/hono';
import { Hono } from 'hono';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** The upstream's base URL. */
  upstreamUrl: string;
  /** Where the gateway's breakers live; pass one to watch them. @defaultValue a new registry */
  registry?: BreakerRegistry;
  /** How long a call to the upstream may take. @defaultValue 1000 */
  upstreamTimeoutMs?: number;
}

/**
 * A small API gateway on Hono, in web-standard code only, so Node.js, Bun and Deno run it as it
 * is: `GET /items/:id` fetches the item from the upstream. Two breakers protect it, in one
 * registry:
 * - `withBreaker(fetch)` gives the upstream's origin a breaker: when the upstream fails, calls to
 *   it stop at once, and the middleware answers the refusal with a fast 503;
 * - `breakerMiddleware()` guards the gateway's own route.
 * `GET /health/circuits` reports both.
 */
export function createGateway(options: GatewayOptions): Hono {
  const registry = options.registry ?? new BreakerRegistry();
  const { upstreamTimeoutMs = 1_000 } = options;
  const upstream = withBreaker(fetch, {
    registry,
    minimumCalls: 5,
    window: { type: 'count', size: 10 },
  });

  const app = new Hono();
  // Outside the middleware's path, so it is never refused and never counted.
  app.get('/health/circuits', circuitsHealth({ registry }));
  app.use(
    '/items/*',
    breakerMiddleware({
      name: 'hono-gateway',
      registry,
      // Only the gateway's own errors: a 502, 503 or 504 says the upstream is failing, and the
      // upstream's breaker already judges that.
      isFailure: (status) => status === 500 || status > 504,
    }),
  );
  app.get('/items/:id', async (c) => {
    const response = await upstream(
      `${options.upstreamUrl}/items/${encodeURIComponent(c.req.param('id'))}`,
      // x-client lets the upstream count the gateway's requests apart.
      { headers: { 'x-client': 'hono' }, signal: AbortSignal.timeout(upstreamTimeoutMs) },
    );
    if (!response.ok) {
      await response.body?.cancel();
      return c.json({ error: `the upstream answered ${response.status}` }, 502);
    }
    return c.json({ item: await response.json(), via: 'hono', runtime: navigator.userAgent });
  });
  // The upstream could not be reached, or was too slow. (A refusal by its breaker ends here too,
  // and the middleware then answers it with its 503.)
  app.onError((error, c) => c.json({ error: error.message }, 504));
  return app;
}
