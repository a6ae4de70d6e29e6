// What the middleware records for each way a request can end: every path settles the permit
// exactly once, judged by the response the handlers behind it leave, and leaves nothing in
// flight. Over real sockets (@hono/node-server) and through app.request(), on both ends of the
// peer range.
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import type { Hono } from 'hono';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';
import { honos } from './honos.ts';
import { get, serve } from './serve.ts';

describe.each(honos)('%s: outcomes', (_label, { Hono: HonoApp, HTTPException }) => {
  let now: number;
  let registry: BreakerRegistry;
  const breaker = () => registry.get('hono');

  beforeEach(() => {
    now = 0;
    registry = new BreakerRegistry();
    // Hono's default error handler logs every error it answers.
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  function protectedApp(options: BreakerMiddlewareOptions = {}): Hono {
    const app = new HonoApp();
    app.use(breakerMiddleware({ registry, clock: { now: () => now }, ...options }));
    return app;
  }

  it('records a 2xx response as a success', async () => {
    const app = protectedApp();
    let handled = 0;
    app.get('/ok', (c) => {
      handled++;
      return c.text('fine');
    });
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect(await get(`${url}/ok`)).toMatchObject({ status: 200, body: 'fine' });
    expect(await outcome).toMatchObject({ kind: 'success', name: 'hono' });
    expect(handled).toBe(1);
    expect(breaker().stats()).toMatchObject({ calls: 1, failures: 0, inFlight: 0 });
  });

  it('records a 5xx response as a failure, without the URL in the error', async () => {
    const app = protectedApp();
    app.get('/down', (c) => c.text('down', 503));
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/down?token=secret`)).status).toBe(503);
    const recorded = await outcome;
    expect(recorded).toMatchObject({ kind: 'failure', name: 'hono' });
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

  it('counts a handler that throws by the 500 the default error handler sends', async () => {
    const app = protectedApp();
    app.get('/throws', () => {
      throw new Error('bug');
    });
    app.get('/rejects', async () => {
      await Promise.resolve();
      throw new Error('async bug');
    });
    const url = await serve(app);

    for (const path of ['/throws', '/rejects']) {
      const outcome = nextOutcome(registry);
      expect((await get(url + path)).status).toBe(500);
      expect(await outcome).toMatchObject({ kind: 'failure' });
    }
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 2, inFlight: 0 });
  });

  it('counts an HTTPException by its own status: 4xx succeeds, 5xx fails', async () => {
    const app = protectedApp();
    app.get('/unauthorized', () => {
      throw new HTTPException(401, { message: 'no token' });
    });
    app.get('/unavailable', () => {
      throw new HTTPException(502, { message: 'upstream broke' });
    });
    const url = await serve(app);

    let outcome = nextOutcome(registry);
    expect((await get(`${url}/unauthorized`)).status).toBe(401);
    expect(await outcome).toMatchObject({ kind: 'success' });

    outcome = nextOutcome(registry);
    expect((await get(`${url}/unavailable`)).status).toBe(502);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 1, inFlight: 0 });
  });

  it('counts an error by the status app.onError answers it with', async () => {
    const app = protectedApp();
    app.get('/invalid', () => {
      throw new RangeError('quantity must be positive');
    });
    app.get('/broken', () => {
      throw new Error('bug');
    });
    app.onError((error, c) => c.text(String(error), error instanceof RangeError ? 422 : 500));
    const url = await serve(app);

    let outcome = nextOutcome(registry);
    expect((await get(`${url}/invalid`)).status).toBe(422);
    expect(await outcome).toMatchObject({ kind: 'success' });

    outcome = nextOutcome(registry);
    expect((await get(`${url}/broken`)).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 1, inFlight: 0 });
  });

  it('settles when a neighbouring middleware after ours throws before next(), by the final status', async () => {
    const app = protectedApp();
    let reachedRoute = 0;
    app.use('/crash/*', () => {
      throw new Error('neighbour crashed');
    });
    app.use('/reject/*', () => {
      throw new HTTPException(401, { message: 'no token' });
    });
    app.get('*', (c) => {
      reachedRoute++;
      return c.text('route');
    });
    const url = await serve(app);

    let outcome = nextOutcome(registry);
    expect((await get(`${url}/crash/x`)).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().inFlight).toBe(0);

    outcome = nextOutcome(registry);
    expect((await get(`${url}/reject/x`)).status).toBe(401);
    expect(await outcome).toMatchObject({ kind: 'success' });
    expect(reachedRoute).toBe(0);
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 1, inFlight: 0 });
  });

  it('settles when a neighbouring middleware after ours throws after next(), by the final status', async () => {
    const app = protectedApp();
    let reachedRoute = 0;
    app.use('*', async (_c, next) => {
      await next();
      throw new Error('neighbour crashed on the way out');
    });
    app.get('/ok', (c) => {
      reachedRoute++;
      return c.text('route');
    });
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/ok`)).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(reachedRoute).toBe(1);
    expect(breaker().stats()).toMatchObject({ calls: 1, failures: 1, inFlight: 0 });
  });

  it('has settled when a neighbouring middleware before ours throws after next()', async () => {
    const app = new HonoApp();
    app.use('*', async (_c, next) => {
      await next();
      throw new Error('outer neighbour crashed on the way out');
    });
    app.use(breakerMiddleware({ registry }));
    app.get('/ok', (c) => c.text('route'));
    const url = await serve(app);
    const outcome = nextOutcome(registry);

    expect((await get(`${url}/ok`)).status).toBe(500);
    // Judged by what the route answered, before the outer middleware broke it.
    expect(await outcome).toMatchObject({ kind: 'success' });
    expect(breaker().inFlight).toBe(0);
  });

  it('takes no permit when a neighbouring middleware before ours throws before next()', async () => {
    const app = new HonoApp();
    app.use('*', () => {
      throw new Error('outer neighbour crashed');
    });
    app.use(breakerMiddleware({ registry }));
    app.get('/ok', (c) => c.text('route'));

    expect((await app.request('/ok')).status).toBe(500);
    expect(breaker().stats()).toMatchObject({ calls: 0, inFlight: 0 });
  });

  it('counts a throw of a non-error, which Hono does not answer, as a failure', async () => {
    const app = protectedApp();
    app.get('/weird', () => {
      throw 'a string';
    });
    const outcome = nextOutcome(registry);

    await expect(app.request('/weird')).rejects.toBe('a string');
    expect(await outcome).toMatchObject({ kind: 'failure', error: 'a string' });
    expect(breaker().inFlight).toBe(0);
  });

  it('counts an app.onError that throws as a failure', async () => {
    const app = protectedApp();
    const bug = new Error('onError bug');
    app.get('/throws', () => {
      throw new Error('first');
    });
    app.onError(() => {
      throw bug;
    });
    const outcome = nextOutcome(registry);

    await expect(app.request('/throws')).rejects.toBe(bug);
    expect(await outcome).toMatchObject({ kind: 'failure', error: bug });
    expect(breaker().inFlight).toBe(0);
  });

  it('counts a handler that answers nothing as the failure Hono answers it with', async () => {
    const app = protectedApp();
    app.get('/forgot', () => undefined as unknown as Response);
    const outcome = nextOutcome(registry);

    expect((await app.request('/forgot')).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().inFlight).toBe(0);
  });

  it('asks isFailure with the status and the context', async () => {
    const seen: Array<[number, string]> = [];
    const app = protectedApp({
      isFailure: (status, c) => {
        seen.push([status, c.req.path]);
        return status === 404 && c.req.path.startsWith('/strict');
      },
    });
    app.get('/boom', (c) => c.text('boom', 500));

    for (const [path, kind] of [
      ['/strict/gone', 'failure'],
      ['/lenient/gone', 'success'],
      ['/boom', 'success'],
    ] as const) {
      const outcome = nextOutcome(registry);
      await app.request(path);
      expect(await outcome).toMatchObject({ kind });
    }
    expect(seen).toEqual([
      [404, '/strict/gone'],
      [404, '/lenient/gone'],
      [500, '/boom'],
    ]);
    expect(breaker().stats()).toMatchObject({ calls: 3, failures: 1, inFlight: 0 });
  });

  it('counts a failure when isFailure throws, reports it, and leaves the response alone', async () => {
    const bug = new TypeError('isFailure bug');
    const app = protectedApp({
      isFailure: () => {
        throw bug;
      },
    });
    app.get('/ok', (c) => c.text('fine'));
    const outcome = nextOutcome(registry);

    const response = await app.request('/ok');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('fine');
    expect(await outcome).toMatchObject({ kind: 'failure', error: bug });
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('isFailure threw'), bug);
    expect(breaker().inFlight).toBe(0);
  });

  it("counts a response as slow when it took slowCallDurationMs on the breaker's clock", async () => {
    const app = protectedApp({ slowCallDurationMs: 1_000 });
    app.get('/work/:ms', (c) => {
      now += Number(c.req.param('ms'));
      return c.text('done', c.req.query('fail') === undefined ? 200 : 500);
    });

    for (const [path, durationMs, slowCalls] of [
      ['/work/999', 999, 0],
      ['/work/1000', 1_000, 1],
      ['/work/1500?fail', 1_500, 2],
    ] as const) {
      const outcome = nextOutcome(registry);
      await app.request(path);
      expect(await outcome).toMatchObject({ durationMs });
      expect(breaker().stats().slowCalls).toBe(slowCalls);
    }
  });

  it('ignores a request whose client went away while the handler ran', async () => {
    const app = protectedApp();
    const client = new AbortController();
    app.get('/slow', (c) => {
      client.abort(); // the client leaves while the handler works; it still answers
      return c.text('too late', 500);
    });
    const outcome = nextOutcome(registry);

    const response = await app.request('/slow', { signal: client.signal });
    expect(response.status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'ignored' });
    expect(breaker().stats()).toMatchObject({ calls: 0, failures: 0, inFlight: 0 });
  });

  it('does not let a trial whose handler hangs wedge the circuit: halfOpenTimeoutMs fails it', async () => {
    const app = protectedApp({
      minimumCalls: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
      halfOpenTimeoutMs: 5_000,
    });
    const gate = Promise.withResolvers<void>();
    onTestFinished(() => gate.resolve());
    const arrived = Promise.withResolvers<void>();
    app.get('/fail', (c) => c.text('down', 500));
    app.get('/hang', async (c) => {
      arrived.resolve();
      await gate.promise;
      return c.text('late');
    });
    await app.request('/fail');
    now += 1_000;
    const hung = app.request('/hang'); // the one trial
    await arrived.promise;
    expect((await app.request('/fail')).status).toBe(503); // half-open, its slot taken

    now += 5_000;
    const refused = await app.request('/fail');
    expect(refused.status).toBe(503);
    expect(breaker().state).toBe('open'); // the hung trial counted as failed
    gate.resolve();
    expect((await hung).status).toBe(200);
    expect(breaker().state).toBe('open'); // its late success changes nothing
    expect(breaker().inFlight).toBe(0);
  });

  it('opens after failures, refuses without running the handler, then recovers through trials', async () => {
    const app = protectedApp({
      minimumCalls: 2,
      failureRateThreshold: 100,
      openDurationMs: 10_000,
      halfOpenMaxCalls: 1,
    });
    let healthy = false;
    let handled = 0;
    app.get('/flaky', (c) => {
      handled++;
      return healthy ? c.text('fine') : c.text('down', 500);
    });
    const url = await serve(app);

    expect((await get(`${url}/flaky`)).status).toBe(500);
    expect((await get(`${url}/flaky`)).status).toBe(500);
    expect(breaker().state).toBe('open');
    const refused = await get(`${url}/flaky`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(handled).toBe(2);

    now += 10_000;
    healthy = true;
    expect((await get(`${url}/flaky`)).status).toBe(200);
    expect(breaker().state).toBe('closed');
    expect(handled).toBe(3);
  });
});
