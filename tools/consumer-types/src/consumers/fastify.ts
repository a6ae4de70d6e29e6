// @tripswitch/fastify in a Fastify 5 app.
import { type BreakerRegistry, breakerPlugin, circuitsHealth } from '@tripswitch/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

export async function fastifyApp(): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(breakerPlugin, { failureRateThreshold: 50 });
  app.get<{ Params: { id: string } }>('/orders/:id', async (request) => request.params.id);
  app.get('/internal/ping', { config: { breaker: false } }, async () => 'pong');
  app.get(
    '/payments',
    { config: { breaker: { name: 'payments', openDurationMs: 60_000 } } },
    async () => 'paid',
  );
  app.get('/health/circuits', circuitsHealth());
  const breakers: BreakerRegistry = app.breakers;
  void breakers;
  await app.register(async (scope) => {
    await scope.register(breakerPlugin, { key: (request) => request.url, maxKeys: 100 });
  });
  return app;
}
