// @tripswitch/express in an Express 5 app.
import {
  BreakerRegistry,
  breakerErrorHandler,
  breakerMiddleware,
  circuitsHealth,
  isCircuitOpenError,
} from '@tripswitch/express';
import express from 'express';

export function expressApp(): express.Express {
  const app = express();
  const registry = new BreakerRegistry();
  app.get('/health/circuits', circuitsHealth({ registry }));
  app.use('/payments', breakerMiddleware({ name: 'payments', failureRateThreshold: 25, registry }));
  app.get(
    '/tenants/:tenant',
    breakerMiddleware({ key: (req) => `${req.method} ${req.path}`, maxKeys: 100 }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  app.use(
    breakerMiddleware({
      isFailure: (statusCode) => statusCode >= 500,
      onOpen: (_req, res, _next, error) => {
        res.status(503).json({ retryAfterMs: isCircuitOpenError(error) ? error.retryAfterMs : 1 });
      },
    }),
  );
  app.use(
    breakerErrorHandler({
      problem: (error, problem) => ({ ...problem, breaker: error.breakerName }),
    }),
  );

  // @ts-expect-error: each per-key breaker is named by its key, so name and key do not go together
  breakerMiddleware({ name: 'payments', key: (req) => req.path });
  // @ts-expect-error: the middleware cannot abort a route handler
  breakerMiddleware({ timeoutMs: 1_000 });
  return app;
}
