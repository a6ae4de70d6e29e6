// @tripswitch/hono in a Hono 4 app.
import { breakerMiddleware, circuitsHealth, isCircuitOpenError } from '@tripswitch/hono';
import { Hono } from 'hono';

export function honoApp(): Hono {
  const app = new Hono();
  app.get('/health/circuits', circuitsHealth());
  app.use('/api/*', breakerMiddleware({ name: 'api', failureRateThreshold: 50 }));
  app.use(
    '/tenants/:tenant/*',
    breakerMiddleware({ key: (c) => c.req.param('tenant') ?? 'none', maxKeys: 500 }),
  );
  app.use(
    breakerMiddleware({
      isFailure: (status) => status >= 500,
      onOpen: (c, error) =>
        c.json({ retryAfterMs: isCircuitOpenError(error) ? error.retryAfterMs : 1 }, 503),
    }),
  );
  app.get('/api/orders/:id', (c) => c.text(c.req.param('id')));
  return app;
}
