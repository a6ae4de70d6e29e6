// What the middleware records for each way a request can end: every path settles the permit
// exactly once, judged by the status finally sent, and leaves nothing in flight.
import { connect } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import type { Response } from 'express';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';
import { deferred } from './deferred.ts';
import { expresses } from './expresses.ts';
import { get, serve, startRequest } from './serve.ts';

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

describe.each(expresses)('%s: outcomes', (label, express) => {
  let now: number;
  let registry: BreakerRegistry;
  const breaker = () => registry.get('express');

  beforeEach(() => {
    now = 0;
    registry = new BreakerRegistry();
  });

  function protectedApp(options: BreakerMiddlewareOptions = {}) {
    const app = express();
    app.use(breakerMiddleware({ registry, clock: { now: () => now }, ...options }));
    return app;
  }

  it('records a 2xx response as a success', async () => {
    const app = protectedApp();
    let handled = 0;
    app.get('/ok', (_req, res) => {
      handled++;
      res.send('fine');
    });
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect(await get(`${url}/ok`)).toMatchObject({ status: 200, body: 'fine' });
    expect(await outcome).toMatchObject({ kind: 'success', name: 'express' });
    expect(handled).toBe(1);
    expect(breaker().stats()).toMatchObject({ calls: 1, failures: 0, inFlight: 0 });
  });

  it('records a 5xx response as a failure', async () => {
    const app = protectedApp();
    app.get('/down', (_req, res) => {
      res.status(503).send('down');
    });
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/down`)).status).toBe(503);
    const recorded = await outcome;
    expect(recorded).toMatchObject({ kind: 'failure', name: 'express' });
    expect((recorded.error as Error).message).toBe('The response status was 503');
    expect(breaker().stats()).toMatchObject({ calls: 1, failures: 1, inFlight: 0 });
  });

  it('records a 404 for a path no route matches as a success', async () => {
    const url = await serve(protectedApp());
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/nowhere`)).status).toBe(404);
    expect(await outcome).toMatchObject({ kind: 'success' });
    expect(breaker().stats()).toMatchObject({ calls: 1, failures: 0, inFlight: 0 });
  });

  it('counts a route that throws by the 500 the default error handler sends', async () => {
    const app = protectedApp();
    app.get('/throws', () => {
      throw new Error('bug');
    });
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/throws`)).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().stats()).toMatchObject({ failures: 1, inFlight: 0 });
  });

  it('counts next(err) by the status the error finally gets', async () => {
    const app = protectedApp();
    app.get('/not-found', (_req, _res, next) => next(new HttpError(404, 'no such order')));
    app.get('/bad-gateway', (_req, _res, next) => next(new HttpError(502, 'upstream broke')));
    const url = await serve(app);

    let outcome = nextOutcome(registry);
    expect((await get(`${url}/not-found`)).status).toBe(404);
    expect(await outcome).toMatchObject({ kind: 'success' });

    outcome = nextOutcome(registry);
    expect((await get(`${url}/bad-gateway`)).status).toBe(502);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 1, inFlight: 0 });
  });

  it('counts an error by the status a custom error handler sends', async () => {
    const app = protectedApp();
    app.get('/invalid', () => {
      throw new RangeError('quantity must be positive');
    });
    app.get('/broken', () => {
      throw new Error('bug');
    });
    app.use((error: unknown, _req: unknown, res: Response, _next: unknown) => {
      res.status(error instanceof RangeError ? 422 : 500).send(String(error));
    });
    const url = await serve(app);

    let outcome = nextOutcome(registry);
    expect((await get(`${url}/invalid`)).status).toBe(422);
    expect(await outcome).toMatchObject({ kind: 'success' });

    outcome = nextOutcome(registry);
    expect((await get(`${url}/broken`)).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 1, inFlight: 0 });
  });

  it('settles when a neighbouring middleware after ours throws, by the final status', async () => {
    const app = protectedApp();
    let reachedRoute = 0;
    app.use('/crash', () => {
      throw new Error('neighbour crashed');
    });
    app.use('/reject', (_req, _res, next) => next(new HttpError(401, 'no token')));
    app.get(/.*/, (_req, res) => {
      reachedRoute++;
      res.send('route');
    });
    const url = await serve(app);

    let outcome = nextOutcome(registry);
    expect((await get(`${url}/crash`)).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().inFlight).toBe(0);

    outcome = nextOutcome(registry);
    expect((await get(`${url}/reject`)).status).toBe(401);
    expect(await outcome).toMatchObject({ kind: 'success' });
    expect(reachedRoute).toBe(0);
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 1, inFlight: 0 });
  });

  it.runIf(label === 'express 5')('counts a rejected async handler by its 500', async () => {
    const app = protectedApp();
    app.get('/async', async () => {
      await Promise.resolve();
      throw new Error('async bug');
    });
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/async`)).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().inFlight).toBe(0);
  });

  it('asks isFailure with the status and the request', async () => {
    const seen: Array<[number, string]> = [];
    const app = protectedApp({
      isFailure: (status, req) => {
        seen.push([status, req.path]);
        return status === 404 && req.path.startsWith('/strict');
      },
    });
    app.get('/boom', (_req, res) => {
      res.sendStatus(500);
    });
    const url = await serve(app);

    for (const [path, kind] of [
      ['/strict/gone', 'failure'],
      ['/lenient/gone', 'success'],
      ['/boom', 'success'],
    ] as const) {
      const outcome = nextOutcome(registry);
      await get(url + path);
      expect(await outcome).toMatchObject({ kind });
    }
    expect(seen).toEqual([
      [404, '/strict/gone'],
      [404, '/lenient/gone'],
      [500, '/boom'],
    ]);
    expect(breaker().stats()).toMatchObject({ calls: 3, failures: 1, inFlight: 0 });
  });

  it('counts a failure when isFailure throws, and reports it', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bug = new TypeError('isFailure bug');
    const app = protectedApp({
      isFailure: () => {
        throw bug;
      },
    });
    app.get('/ok', (_req, res) => {
      res.send('fine');
    });
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/ok`)).status).toBe(200);
    expect(await outcome).toMatchObject({ kind: 'failure', error: bug });
    expect(report).toHaveBeenCalledWith(expect.stringContaining('isFailure threw'), bug);
    expect(breaker().inFlight).toBe(0);
  });

  it('reports an isFailure that answers a promise (an async function), naming the mistake', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = protectedApp({ isFailure: (async () => false) as unknown as () => boolean });
    app.get('/ok', (_req, res) => {
      res.send('fine');
    });
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/ok`)).status).toBe(200);
    const recorded = await outcome;
    expect(recorded).toMatchObject({ kind: 'failure' });
    expect(String(recorded.error)).toMatch(
      /isFailure returned a promise; it must return a boolean/,
    );
    expect(report).toHaveBeenCalledWith(expect.stringContaining('isFailure threw'), recorded.error);
  });

  it("counts a response as slow when it took slowCallDurationMs on the breaker's clock", async () => {
    const app = protectedApp({ slowCallDurationMs: 1_000 });
    app.get('/work/:ms', (req, res) => {
      now += Number(req.params.ms);
      res.status(req.query.fail === undefined ? 200 : 500).send('done');
    });
    const url = await serve(app);

    for (const [path, durationMs, slowCalls] of [
      ['/work/999', 999, 0],
      ['/work/1000', 1_000, 1],
      ['/work/1500?fail', 1_500, 2],
    ] as const) {
      const outcome = nextOutcome(registry);
      await get(url + path);
      expect(await outcome).toMatchObject({ durationMs });
      expect(breaker().stats().slowCalls).toBe(slowCalls);
    }
    expect(breaker().stats()).toMatchObject({ calls: 3, failures: 1, inFlight: 0 });
  });

  it('ignores a request whose client hangs up before the response', async () => {
    const app = protectedApp();
    const inHandler = deferred<Response>();
    let handled = 0;
    app.get('/slow', (_req, res) => {
      handled++;
      inHandler.resolve(res);
    });
    const url = await serve(app);
    const client = startRequest(`${url}/slow`);
    const res = await inHandler.promise;
    expect(breaker().inFlight).toBe(1);
    const outcome = nextOutcome(registry);
    const closed = new Promise((resolve) => res.once('close', resolve));

    client.destroy();

    expect(await outcome).toMatchObject({ kind: 'ignored' });
    await closed;
    // The handler answering after all changes nothing.
    res.status(500).end('too late');
    expect(handled).toBe(1);
    expect(breaker().stats()).toMatchObject({
      calls: 0,
      inFlight: 0,
      totals: { successes: 0, failures: 0, ignored: 1 },
    });
  });

  it('judges a response the route ended by its status, though the client left before it all went out', async () => {
    const app = protectedApp();
    const ended = deferred();
    app.get('/big', (_req, res) => {
      // More than the sockets' buffers hold: most of it waits in the response until read.
      res.status(500).end(Buffer.alloc(32 * 1024 * 1024));
      ended.resolve();
    });
    const url = new URL(await serve(app));
    // A client that asks and never reads.
    const socket = connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    socket.pause();
    socket.write(`GET /big HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
    await ended.promise;
    const outcome = nextOutcome(registry);

    socket.destroy();

    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().stats()).toMatchObject({ inFlight: 0, totals: { failures: 1, ignored: 0 } });
  });

  it('takes no permit for a request whose client left before the middleware ran', async () => {
    const app = express();
    const arrived = deferred();
    const routeDone = deferred();
    // A slow middleware ahead of ours (a body parser, an auth call) outlives the client.
    app.use((_req, res, next) => {
      arrived.resolve();
      res.once('close', () => next());
    });
    app.use(breakerMiddleware({ registry }));
    app.get('/late', (_req, res) => {
      res.end();
      routeDone.resolve();
    });
    const url = await serve(app);
    const client = startRequest(`${url}/late`);
    await arrived.promise;

    client.destroy();

    await routeDone.promise;
    expect(breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 0, ignored: 0, rejected: 0 },
    });
  });
});
