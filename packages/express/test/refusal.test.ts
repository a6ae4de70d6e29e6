// What a refused request receives, and that the route handler never runs for it.
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import type { Response } from 'express';
import { beforeEach, describe, expect, it } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';
import { deferred } from './deferred.ts';
import { expresses } from './expresses.ts';
import { holdingRoute } from './holding-route.ts';
import { get, serve } from './serve.ts';

describe.each(expresses)('%s: refusals', (_label, express) => {
  let now: number;
  let registry: BreakerRegistry;
  let handled: number;
  const breaker = () => registry.get('express');

  beforeEach(() => {
    now = 0;
    registry = new BreakerRegistry();
    handled = 0;
  });

  /** An app whose breaker opens after two failures (GET /fail), for 10 s; GET /ok counts calls. */
  async function tripwiredApp(options: BreakerMiddlewareOptions = {}) {
    const app = express();
    app.use(
      breakerMiddleware({
        registry,
        clock: { now: () => now },
        minimumCalls: 2,
        failureRateThreshold: 100,
        openDurationMs: 10_000,
        ...options,
      }),
    );
    app.get('/fail', (_req, res) => {
      handled++;
      res.sendStatus(500);
    });
    app.get('/ok', (_req, res) => {
      handled++;
      res.send('fine');
    });
    return { app, url: await serve(app) };
  }

  async function trip(url: string): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const outcome = nextOutcome(registry);
      await get(`${url}/fail`);
      await outcome;
    }
    expect(breaker().state).toBe('open');
    handled = 0;
  }

  it('answers 503 with Retry-After and a problem document while open; the handler never runs', async () => {
    const { url } = await tripwiredApp();
    await trip(url);

    const reply = await get(`${url}/ok`);

    expect(reply.status).toBe(503);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.headers.get('retry-after')).toBe('10');
    expect(JSON.parse(reply.body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 10 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 10_000,
    });
    expect(handled).toBe(0);
    expect(breaker().stats()).toMatchObject({ inFlight: 0, totals: { rejected: 1 } });
  });

  it('rounds Retry-After up to whole seconds as the open period runs down', async () => {
    const { url } = await tripwiredApp();
    await trip(url);

    now += 2_500;
    const reply = await get(`${url}/ok`);

    expect(reply.headers.get('retry-after')).toBe('8');
    expect(JSON.parse(reply.body)).toMatchObject({ retryAfterMs: 7_500 });
    expect(handled).toBe(0);
  });

  it('leaves Retry-After out while the circuit is forced open', async () => {
    const { url } = await tripwiredApp();
    breaker().isolate();

    const reply = await get(`${url}/ok`);

    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBeNull();
    expect(JSON.parse(reply.body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call: it is held open',
      code: 'ERR_CIRCUIT_OPEN',
    });
    expect(handled).toBe(0);
  });

  it('admits exactly halfOpenMaxCalls trials from a burst of concurrent requests, then closes', async () => {
    const { app, url } = await tripwiredApp({ halfOpenMaxCalls: 3 });
    const trials = holdingRoute(app, '/trial');
    await trip(url);
    now += 10_000;

    // Each request is decided when it reaches the handler (a trial, held there) or is refused.
    const everyoneDecided = deferred();
    let refused = 0;
    const burst = Array.from({ length: 12 }, () =>
      get(`${url}/trial`).then((reply) => {
        if (reply.status === 503 && ++refused + trials.count() === 12) everyoneDecided.resolve();
        return reply;
      }),
    );
    await trials.arrival(3);
    await everyoneDecided.promise;

    expect(trials.count()).toBe(3);
    expect(refused).toBe(9);
    expect(breaker().stats()).toMatchObject({ state: 'half-open', inFlight: 3 });
    trials.release();
    const replies = await Promise.all(burst);
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(3);
    for (const reply of replies.filter((r) => r.status === 503)) {
      expect(reply.headers.get('retry-after')).toBe('1');
      expect(JSON.parse(reply.body)).toMatchObject({
        code: 'ERR_CIRCUIT_OPEN',
        retryAfterMs: 1_000,
      });
    }
    expect(breaker().stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });

  it('hands the refusal to onOpen instead, with the request and the error', async () => {
    const seen: unknown[] = [];
    const { url } = await tripwiredApp({
      onOpen: (req, res, _next, error) => {
        seen.push(req.path, error);
        res.status(200).json({ cached: true, breaker: error.breakerName });
      },
    });
    await trip(url);

    const reply = await get(`${url}/ok`);

    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ cached: true, breaker: 'express' });
    expect(seen[0]).toBe('/ok');
    expect(isCircuitOpenError(seen[1])).toBe(true);
    expect(handled).toBe(0);
    expect(breaker().inFlight).toBe(0);
  });

  it('lets onOpen pass the refusal to the error handlers, or the request on, unprotected', async () => {
    const errors: unknown[] = [];
    const { app, url } = await tripwiredApp({
      onOpen: (req, _res, next, error) => {
        if (req.path === '/ok') next(error);
        else next();
      },
    });
    app.get('/always', (_req, res) => {
      handled++;
      res.send('served anyway');
    });
    app.use((error: unknown, _req: unknown, res: Response, _next: unknown) => {
      errors.push(error);
      res.status(529).send('handled');
    });
    await trip(url);

    expect((await get(`${url}/ok`)).status).toBe(529);
    expect(isCircuitOpenError(errors[0])).toBe(true);
    expect(await get(`${url}/always`)).toMatchObject({ status: 200, body: 'served anyway' });
    expect(handled).toBe(1);
    // Neither request was admitted: only the two failures that tripped the circuit are recorded.
    expect(breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 2, rejected: 2 },
    });
  });

  it('sends a throw or a rejection from onOpen to the error handlers', async () => {
    const errors: unknown[] = [];
    const thrown = new Error('onOpen threw');
    const rejected = new Error('onOpen rejected');
    const { app, url } = await tripwiredApp({
      onOpen: async (req) => {
        if (req.path === '/ok') throw thrown;
        await Promise.resolve();
        throw rejected;
      },
    });
    app.use((error: unknown, _req: unknown, res: Response, _next: unknown) => {
      errors.push(error);
      res.status(500).send('handled');
    });
    await trip(url);

    expect((await get(`${url}/ok`)).status).toBe(500);
    expect((await get(`${url}/fail`)).status).toBe(500);
    expect(errors).toEqual([thrown, rejected]);
    expect(handled).toBe(0);
  });

  it('passes the refusal to the error handlers when a middleware ahead already started the response', async () => {
    const app = express();
    app.use((_req, res, next) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('started ');
      next();
    });
    app.use(breakerMiddleware({ registry }));
    app.get('/ok', (_req, res) => {
      handled++;
      res.end('fine');
    });
    const errors: unknown[] = [];
    app.use((error: unknown, _req: unknown, res: Response, _next: unknown) => {
      errors.push(error);
      res.end('refused');
    });
    const url = await serve(app);
    breaker().isolate();

    expect(await get(`${url}/ok`)).toMatchObject({ status: 200, body: 'started refused' });
    expect(errors).toHaveLength(1);
    expect(isCircuitOpenError(errors[0])).toBe(true);
    expect(handled).toBe(0);
  });

  it('refuses with 503 ERR_BULKHEAD_FULL when the bulkhead is full and has no queue', async () => {
    const { app, url } = await tripwiredApp({ bulkhead: { maxConcurrent: 1 } });
    const held = holdingRoute(app, '/hold');

    const first = get(`${url}/hold`);
    await held.arrival(1);
    const reply = await get(`${url}/hold`);

    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(reply.body)).toMatchObject({
      code: 'ERR_BULKHEAD_FULL',
      retryAfterMs: 1_000,
    });
    held.release();
    expect((await first).status).toBe(200);
    expect(held.count()).toBe(1);
    expect(breaker().stats()).toMatchObject({ inFlight: 0, calls: 1 });
  });
});
