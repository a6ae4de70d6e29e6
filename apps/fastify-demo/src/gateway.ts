import type { IncomingMessage } from 'node:http';
import { BreakerRegistry } from '@tripswitch/core';
import { dashboardHandler } from '@tripswitch/dashboard';
import { breakerPlugin, circuitsHealth } from '@tripswitch/fastify';
import { withBreaker } from '@tripswitch/fetch';
import { collectBreakerMetrics } from '@tripswitch/prometheus';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Registry as MetricsRegistry } from 'prom-client';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** The upstream's base URL. */
  upstreamUrl: string;
  /** Where the gateway's breakers live; pass one to watch them. @defaultValue a new registry */
  registry?: BreakerRegistry;
}

/** The upstream answered, but with an error status: the gateway answers 502. */
class UpstreamStatusError extends Error {
  readonly upstreamStatus: number;
  constructor(status: number) {
    super(`the upstream answered ${status}`);
    this.upstreamStatus = status;
  }
}

/**
 * A small API gateway on Fastify: `GET /items/:id` fetches the item from the upstream. Two kinds
 * of breaker protect it, all in one registry:
 * - `@tripswitch/fetch` gives the upstream's origin a breaker: when the upstream fails, calls to
 *   it stop at once, and the plugin answers the refusal with a fast 503;
 * - `@tripswitch/fastify` guards the gateway's own routes.
 * `GET /health/circuits` reports both, `GET /metrics` exposes them to Prometheus, and
 * `/breakers/` shows them live (with isolate and reset buttons for requests from this machine).
 * Ready to listen when the promise resolves.
 */
export async function createGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const registry = options.registry ?? new BreakerRegistry();
  const fetchUpstream = withBreaker(globalThis.fetch, {
    registry,
    minimumCalls: 5,
    window: { type: 'count', size: 10 },
  });

  // A metrics registry of its own: a process may build several gateways (its tests do).
  const metrics = new MetricsRegistry();
  collectBreakerMetrics(registry, { register: metrics });

  // Closing ends the dashboard's event streams too, rather than waiting for their pages to go.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(breakerPlugin, {
    name: 'gateway',
    registry,
    // Only the gateway's own errors: a 502, 503 or 504 says the upstream is failing, and the
    // upstream's breaker already judges that.
    isFailure: (status) => status === 500 || status > 504,
  });
  // What is left once the plugin has answered refusals: the upstream answered with an error, or
  // could not be reached in time. Set before the routes, which take the handler in force then.
  app.setErrorHandler((error, _request, reply) => {
    const status = error instanceof UpstreamStatusError ? 502 : 504;
    return reply
      .code(status)
      .send({ error: error instanceof Error ? error.message : String(error) });
  });

  app.get('/health/circuits', circuitsHealth());
  app.get('/metrics', { config: { breaker: false } }, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );
  const dashboard = dashboardHandler(registry, {
    basePath: '/breakers',
    controls: true,
    // A demo on 127.0.0.1: only this machine may isolate or reset its breakers.
    authorize: (req: IncomingMessage) =>
      ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? ''),
  });
  // The dashboard is a node:http handler: Fastify hands it the raw request and response.
  const serveDashboard = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.hijack();
    dashboard(request.raw, reply.raw);
  };
  for (const url of ['/breakers', '/breakers/*']) {
    app.route({
      method: ['GET', 'HEAD', 'POST'],
      url,
      // Its event stream lives as long as the page: neither guarded nor counted.
      config: { breaker: false },
      handler: serveDashboard,
    });
  }

  app.get('/items/:id', async (request) => {
    const { id } = request.params as { id: string };
    const response = await fetchUpstream(`${options.upstreamUrl}/items/${encodeURIComponent(id)}`, {
      headers: { 'x-client': 'fastify' }, // lets the upstream count the gateway's requests apart
      signal: AbortSignal.timeout(1_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new UpstreamStatusError(response.status);
    }
    return { item: await response.json(), via: 'fastify' };
  });
  await app.ready();
  return app;
}
