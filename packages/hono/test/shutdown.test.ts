// Requests in flight when the application shuts down its @hono/node-server server
// (server.close(), then closeAllConnections()): a request the shutdown cut off says nothing about
// the route, and must neither fail the breaker (every deploy would push it toward open) nor hold
// a half-open trial — whatever its handler answers once its connection is gone.
import { once } from 'node:events';
import type { Server, ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome, testClock, trip } from '@tripswitch/test-breakers';
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';
import { startRequest, startServer } from './serve.ts';
import { track } from './tracker.ts';

/** What an application does on SIGTERM: stop accepting, then drop the connections still open. */
function shutDown(server: Server): void {
  server.close();
  server.closeAllConnections();
}

/** A route whose request waits in the handler until the test says what it answers. */
function heldRoute(app: Hono<{ Bindings: HttpBindings }>, path: string) {
  const arrived = Promise.withResolvers<ServerResponse>();
  const answer = Promise.withResolvers<number>();
  let count = 0;
  app.get(path, async (c) => {
    count++;
    arrived.resolve(c.env.outgoing);
    return c.text('answered', (await answer.promise) as 200);
  });
  return {
    /** Resolves with Node's response once the first request reached the handler. */
    arrival: arrived.promise,
    /** Answers every held request, and every later one, with `status`. */
    answer: (status: number) => answer.resolve(status),
    /** How many requests reached the handler. */
    count: () => count,
  };
}

describe('a request in flight when the server shuts down', () => {
  let registry: BreakerRegistry;
  const breaker = () => registry.get('hono');

  beforeEach(() => {
    registry = new BreakerRegistry();
  });

  function protectedApp(options: BreakerMiddlewareOptions = {}) {
    const app = new Hono<{ Bindings: HttpBindings }>();
    app.use(breakerMiddleware({ registry, ...options }));
    return app;
  }

  it.each([200, 500])(
    'is ignored when its handler answers %i after the shutdown closed its connection',
    async (status) => {
      const app = protectedApp();
      const held = heldRoute(app, '/held');
      const { url, server } = await startServer(app);
      startRequest(`${url}/held`);
      const outgoing = await held.arrival;
      const closed = once(outgoing, 'close');
      const outcome = nextOutcome(registry);

      shutDown(server);
      await closed;
      held.answer(status);

      expect(await outcome).toMatchObject({ kind: 'ignored' });
      expect(breaker().stats()).toMatchObject({
        calls: 0,
        inFlight: 0,
        totals: { successes: 0, failures: 0, ignored: 1 },
      });
    },
  );

  it.each([200, 500])(
    'is ignored when its handler answers %i in the turn the shutdown cut it, before Node reported the close',
    async (status) => {
      // A shutdown that also cancels the work in flight (an AbortController of the app's): the
      // handlers fail at once, before the server has told anyone their connections closed.
      const app = protectedApp();
      const held = heldRoute(app, '/held');
      const { url, server } = await startServer(app);
      startRequest(`${url}/held`);
      const outgoing = await held.arrival;
      const outcome = nextOutcome(registry);

      shutDown(server);
      held.answer(status);

      expect(await outcome).toMatchObject({ kind: 'ignored' });
      expect(outgoing.closed).toBe(false);
      expect(breaker().stats()).toMatchObject({ calls: 0, inFlight: 0, totals: { ignored: 1 } });
    },
  );

  it('is ignored when a middleware behind it throws in the turn the shutdown cut it', async () => {
    // app.onError's 500 comes after the cut too.
    const app = protectedApp();
    app.onError((_error, c) => c.text('cancelled', 500));
    const arrived = Promise.withResolvers<void>();
    const cancel = Promise.withResolvers<void>();
    app.use(async () => {
      arrived.resolve();
      await cancel.promise;
      throw new Error('cancelled by the shutdown');
    });
    const { url, server } = await startServer(app);
    startRequest(`${url}/anything`);
    await arrived.promise;
    const outcome = nextOutcome(registry);

    shutDown(server);
    cancel.resolve();

    expect(await outcome).toMatchObject({ kind: 'ignored' });
  });

  it('keeps the verdict of a streamed response, given when its headers were ready, through the cut', async () => {
    const app = protectedApp();
    app.get('/export', (c) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('first rows\n'));
        },
      });
      return c.body(body, 200, { 'content-type': 'text/plain' });
    });
    const { url, server } = await startServer(app);
    const outcome = nextOutcome(registry);
    const response = await fetch(`${url}/export`);
    expect(await outcome).toMatchObject({ kind: 'success' });
    const reader = response.body?.getReader();
    await reader?.read();
    const cut = reader?.read().catch(() => undefined);

    shutDown(server);

    await cut;
    expect(breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it('frees the half-open trial slot it held: the circuit stays half-open for the next trial', async () => {
    const clock = testClock();
    const app = protectedApp({
      clock,
      minimumCalls: 2,
      failureRateThreshold: 100,
      openDurationMs: 10_000,
      halfOpenMaxCalls: 1,
    });
    const held = heldRoute(app, '/held');
    const { url, server } = await startServer(app);
    trip(breaker());
    clock.advance(10_000);
    startRequest(`${url}/held`);
    await held.arrival;
    expect(breaker().stats()).toMatchObject({ state: 'half-open', inFlight: 1 });
    const outcome = nextOutcome(registry);

    shutDown(server);
    held.answer(500);

    expect(await outcome).toMatchObject({ kind: 'ignored' });
    expect(breaker().state).toBe('half-open');
    const nextTrial = breaker().tryAcquire();
    expect(nextTrial).not.toBeNull();
    nextTrial?.success();
    expect(breaker().state).toBe('closed');
  });

  it('never runs a request waiting for a bulkhead slot that one answering in the turn of the cut frees', async () => {
    const app = new Hono<{ Bindings: HttpBindings }>();
    const tracker = track(app);
    app.use(breakerMiddleware({ registry, bulkhead: { maxConcurrent: 1, maxQueue: 1 } }));
    const held = heldRoute(app, '/held');
    const { url, server } = await startServer(app);
    startRequest(`${url}/held`);
    await held.arrival;
    startRequest(`${url}/held`);
    const waiting = await tracker.attempted(2);
    expect(breaker().stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
    const inFlight = nextOutcome(registry);

    shutDown(server);
    held.answer(500);

    expect(await inFlight).toMatchObject({ kind: 'ignored' });
    expect((await waiting.done).status).toBe(499);
    expect(held.count()).toBe(1);
    const { totals, ...stats } = breaker().stats();
    expect(stats).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
    expect(totals).toMatchObject({ successes: 0, failures: 0 });
    // The waiting one was given up too: ignored with the slot it got.
    expect(totals.ignored + totals.cancelled).toBe(2);
  });

  it.each([
    [200, 'success'],
    [500, 'failure'],
  ] as const)(
    'is judged by its %i (a %s) when a graceful close lets it finish',
    async (status, kind) => {
      // server.close() alone closes idle connections only: the request in flight is answered.
      const app = protectedApp();
      const held = heldRoute(app, '/held');
      const { url, server } = await startServer(app);
      const reply = fetch(`${url}/held`).then((response) => response.text());
      await held.arrival;
      const outcome = nextOutcome(registry);

      server.close();
      held.answer(status);

      expect(await outcome).toMatchObject({ kind });
      expect(await reply).toBe('answered');
    },
  );
});
