// breakerErrorHandler: a refusal thrown downstream (an outgoing client's breaker) becomes the same
// 503 the middleware sends; every other error goes on to the next error handler.
import { BreakerRegistry, BulkheadFullError, CircuitBreaker } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import type { NextFunction, Request, Response } from 'express';
import { beforeEach, describe, expect, it } from 'vitest';
import { breakerErrorHandler, breakerMiddleware } from '../src/index.ts';
import { type CreateApp, expresses } from './expresses.ts';
import { get, serve } from './serve.ts';

describe.each(expresses)('%s: breakerErrorHandler', (label, express: CreateApp) => {
  let now: number;
  let pricing: CircuitBreaker;
  let passedOn: unknown[];

  beforeEach(async () => {
    now = 0;
    passedOn = [];
    // An outgoing client's breaker, opened by one failed call: it refuses for 5 s.
    pricing = new CircuitBreaker({
      name: 'pricing',
      minimumCalls: 1,
      failureRateThreshold: 100,
      openDurationMs: 5_000,
      clock: { now: () => now },
    });
    await pricing
      .execute(() => {
        throw new Error('pricing is down');
      })
      .catch(() => {});
    expect(pricing.state).toBe('open');
  });

  /** An app with the routes of a test, then breakerErrorHandler, then a catch-all error handler. */
  async function appWith(routes: (app: ReturnType<CreateApp>) => void) {
    const app = express();
    routes(app);
    app.use(breakerErrorHandler());
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      passedOn.push(error);
      if (res.headersSent) res.end();
      else res.status(418).send('passed on');
    });
    return serve(app);
  }

  const quote = (_req: Request, res: Response, next: NextFunction) => {
    pricing.execute(() => 42).then((price) => res.json({ price }), next);
  };

  it('answers a CircuitOpenError passed to next() with 503, Retry-After and a problem document', async () => {
    const url = await appWith((app) => app.get('/quote', quote));
    now += 1_200;

    const reply = await get(`${url}/quote`);

    expect(reply.status).toBe(503);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.headers.get('retry-after')).toBe('4');
    expect(JSON.parse(reply.body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 4 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 3_800,
    });
    expect(passedOn).toEqual([]);
  });

  it.runIf(label === 'express 5')(
    'answers a CircuitOpenError an async route rejects with',
    async () => {
      const url = await appWith((app) =>
        app.get('/quote', async (_req, res) => {
          res.json({ price: await pricing.execute(() => 42) });
        }),
      );

      const reply = await get(`${url}/quote`);

      expect(reply.status).toBe(503);
      expect(JSON.parse(reply.body)).toMatchObject({
        code: 'ERR_CIRCUIT_OPEN',
        retryAfterMs: 5_000,
      });
    },
  );

  it('answers a refusal wrapped as the cause of a client error', async () => {
    const url = await appWith((app) =>
      app.get('/quote', (_req, _res, next) => {
        pricing
          .execute(() => 42)
          .catch((error: unknown) => {
            next(new Error('Request to pricing failed', { cause: error }));
          });
      }),
    );

    const reply = await get(`${url}/quote`);

    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', retryAfterMs: 5_000 });
  });

  it('answers a BulkheadFullError with 503 and Retry-After: 1', async () => {
    const url = await appWith((app) =>
      app.get('/busy', () => {
        throw new BulkheadFullError('inventory', 'full', 4, 0);
      }),
    );

    const reply = await get(`${url}/busy`);

    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(reply.body)).toMatchObject({
      code: 'ERR_BULKHEAD_FULL',
      retryAfterMs: 1_000,
    });
  });

  it('passes every other error on to the next error handler', async () => {
    const bug = new TypeError('not a refusal');
    const url = await appWith((app) =>
      app.get('/bug', () => {
        throw bug;
      }),
    );

    expect(await get(`${url}/bug`)).toMatchObject({ status: 418, body: 'passed on' });
    expect(passedOn).toEqual([bug]);
  });

  it('passes on, untouched, an error whose cause chain throws when read', async () => {
    const hostile = Object.defineProperty(new Error('hostile'), 'cause', {
      get() {
        throw new Error('cause getter');
      },
    });
    const url = await appWith((app) =>
      app.get('/hostile', () => {
        throw hostile;
      }),
    );

    expect(await get(`${url}/hostile`)).toMatchObject({ status: 418, body: 'passed on' });
    expect(passedOn).toEqual([hostile]);
  });

  it('passes a refusal on when the response has already started', async () => {
    const url = await appWith((app) =>
      app.get('/stream', (_req, res, next) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial ');
        next(pricing.openError());
      }),
    );

    const reply = await get(`${url}/stream`);

    expect(reply).toMatchObject({ status: 200, body: 'partial ' });
    expect(passedOn).toHaveLength(1);
    expect(passedOn[0]).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', breakerName: 'pricing' });
  });

  it('is an error handler to Express: it takes four parameters', () => {
    expect(breakerErrorHandler()).toHaveLength(4);
  });

  it("counts the 503 it sends as a failure of the route's own breaker", async () => {
    const registry = new BreakerRegistry();
    const url = await appWith((app) => {
      app.use(breakerMiddleware({ registry }));
      app.get('/quote', quote);
    });
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/quote`)).status).toBe(503);
    expect(await outcome).toMatchObject({ kind: 'failure', name: 'express' });
    expect(registry.get('express').stats()).toMatchObject({ failures: 1, inFlight: 0 });
  });
});
