// Requests in flight when the application shuts down its server (server.close() and
// closeAllConnections()): a request the shutdown cut off says nothing about the route, and must
// neither fail the breaker (every deploy would push it toward open, and with a shared store the
// fleet's) nor hold a half-open trial. A route that had failed before the cut still fails.
import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome, testClock, trip } from '@tripswitch/test-breakers';
import type { Express, Response } from 'express';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';
import { afterAdmissionAttempt } from './admission-attempts.ts';
import { type Deferred, deferred } from './deferred.ts';
import { expresses } from './expresses.ts';
import { startRequest, startServer } from './serve.ts';

/** What an application does on SIGTERM: stop accepting, then cut the connections still open. */
function shutDown(server: Server): void {
  server.close();
  server.closeAllConnections();
}

/** Both orders an application may shut down in, within one turn. */
const shutdowns = [
  ['close(), then closeAllConnections()', shutDown],
  [
    'closeAllConnections(), then close()',
    (server: Server) => {
      server.closeAllConnections();
      server.close();
    },
  ],
] as const;

/**
 * GETs `url` with node:http, without keep-alive; resolves once the first bytes of the body
 * arrived. The client's errors when the connection is cut are expected and swallowed.
 */
function startReading(url: string): Promise<void> {
  const firstBytes = deferred();
  const request = httpRequest(url, { agent: false }, (message) => {
    message.on('error', () => {});
    message.once('data', () => firstBytes.resolve());
    message.resume();
  });
  request.on('error', () => {});
  request.end();
  onTestFinished(() => {
    request.destroy();
  });
  return firstBytes.promise;
}

/** Sends the headers and a first chunk, and then nothing: a download or an export under way. */
function startStreaming(res: Response): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write('first rows\n');
}

/** A route whose requests wait in the handler until the test says what they answer. */
interface HeldRoute {
  /** Resolves with the response of the `n`th request once it reached the handler. */
  arrival(n: number): Promise<Response>;
  /** Answers every held request, and every later one, with `status`. */
  answer(status: number): void;
  count(): number;
}

function heldRoute(app: Express, path: string): HeldRoute {
  const status = deferred<number>();
  const arrivals: Array<Deferred<Response>> = [];
  const nth = (n: number) => {
    while (arrivals.length < n) arrivals.push(deferred<Response>());
    return arrivals[n - 1] as Deferred<Response>;
  };
  let count = 0;
  app.get(path, async (_req, res) => {
    nth(++count).resolve(res);
    res.status(await status.promise).send('answered');
  });
  return { arrival: (n) => nth(n).promise, answer: status.resolve, count: () => count };
}

describe.each(expresses)(
  '%s: a request in flight when the server shuts down',
  (_label, express) => {
    let registry: BreakerRegistry;
    const breaker = () => registry.get('express');

    beforeEach(() => {
      registry = new BreakerRegistry();
    });

    function protectedApp(options: BreakerMiddlewareOptions = {}): Express {
      const app = express();
      app.use(breakerMiddleware({ registry, ...options }));
      return app;
    }

    it.each(shutdowns)(
      'is ignored when %s cuts it before its headers went out',
      async (_, shut) => {
        const app = protectedApp();
        const held = heldRoute(app, '/held');
        const { url, server } = await startServer(app);
        startRequest(`${url}/held`);
        const res = await held.arrival(1);
        const outcome = nextOutcome(registry);
        const closed = new Promise((resolve) => res.once('close', resolve));

        shut(server);

        expect(await outcome).toMatchObject({ kind: 'ignored' });
        await closed;
        // The handler answering after all changes nothing.
        held.answer(500);
        expect(breaker().stats()).toMatchObject({
          calls: 0,
          inFlight: 0,
          totals: { successes: 0, failures: 0, ignored: 1 },
        });
      },
    );

    it.each(shutdowns)('is ignored when %s cuts it after its headers went out', async (_, shut) => {
      const app = protectedApp();
      app.get('/export', (_req, res) => startStreaming(res));
      const { url, server } = await startServer(app);
      await startReading(`${url}/export`);
      const outcome = nextOutcome(registry);

      shut(server);

      expect(await outcome).toMatchObject({ kind: 'ignored' });
      expect(breaker().stats()).toMatchObject({
        calls: 0,
        inFlight: 0,
        totals: { successes: 0, failures: 0, ignored: 1 },
      });
    });

    it.each([200, 500])(
      'is ignored when its route answers %i in the turn the shutdown cut it, before Node reported the close',
      async (status) => {
        // A shutdown that also cancels the work in flight (an AbortController of the app's): the
        // routes fail at once, before the server has told anyone their connections closed.
        const app = protectedApp();
        const held = heldRoute(app, '/held');
        const { url, server } = await startServer(app);
        startRequest(`${url}/held`);
        const res = await held.arrival(1);
        const outcome = nextOutcome(registry);

        shutDown(server);
        held.answer(status);

        expect(await outcome).toMatchObject({ kind: 'ignored' });
        expect(res.writableEnded).toBe(true);
        expect(breaker().stats()).toMatchObject({ calls: 0, inFlight: 0, totals: { ignored: 1 } });
      },
    );

    it('is ignored when a neighbouring middleware throws in the turn the shutdown cut it', async () => {
      // The error handler's 500 comes after the cut too.
      const app = protectedApp();
      const arrived = deferred();
      const cancel = deferred();
      app.use(async (_req, _res, next) => {
        arrived.resolve();
        await cancel.promise;
        next(new Error('cancelled by the shutdown'));
      });
      const { url, server } = await startServer(app);
      startRequest(`${url}/anything`);
      await arrived.promise;
      const outcome = nextOutcome(registry);

      shutDown(server);
      cancel.resolve();

      expect(await outcome).toMatchObject({ kind: 'ignored' });
    });

    it.each([
      ['cut after its headers went out', false],
      ['answering 500 in the turn of the cut', true],
    ])(
      'frees the half-open trial slot it held, %s: the circuit stays half-open for the next trial',
      async (_, answers) => {
        const clock = testClock();
        const app = protectedApp({
          clock,
          minimumCalls: 2,
          failureRateThreshold: 100,
          openDurationMs: 10_000,
          halfOpenMaxCalls: 1,
        });
        const held = heldRoute(app, '/held');
        app.get('/export', (_req, res) => startStreaming(res));
        const { url, server } = await startServer(app);
        trip(breaker());
        clock.advance(10_000);
        if (answers) {
          startRequest(`${url}/held`);
          await held.arrival(1);
        } else {
          await startReading(`${url}/export`);
        }
        expect(breaker().stats()).toMatchObject({ state: 'half-open', inFlight: 1 });
        const outcome = nextOutcome(registry);

        shutDown(server);
        if (answers) held.answer(500);

        expect(await outcome).toMatchObject({ kind: 'ignored' });
        expect(breaker().state).toBe('half-open');
        const nextTrial = breaker().tryAcquire();
        expect(nextTrial).not.toBeNull();
        nextTrial?.success();
        expect(breaker().state).toBe('closed');
      },
    );

    // closeAllConnections() destroys the connections in an order of Node's own, and Node reports
    // them closed in an order of its own too (the last destroyed first, today). These destroy them
    // as it does, in each order: when the one in flight is reported first, the slot it frees goes
    // to the waiting one, whose connection is gone but not yet reported.
    it.each([
      ['the one in flight, then the waiting one', true],
      ['the waiting one, then the one in flight', false],
    ])(
      'never runs a request waiting for a bulkhead slot when the shutdown cuts %s',
      async (_, inFlightFirst) => {
        const app = express();
        const attempted = afterAdmissionAttempt(app);
        app.use(breakerMiddleware({ registry, bulkhead: { maxConcurrent: 1, maxQueue: 1 } }));
        const held = heldRoute(app, '/held');
        const { url, server } = await startServer(app);
        startRequest(`${url}/held`);
        const inFlight = await held.arrival(1);
        startRequest(`${url}/held`);
        const waiting = await attempted(2);
        expect(breaker().stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
        const sockets = [inFlight.socket, waiting.socket];
        if (!inFlightFirst) sockets.reverse();
        const closed = Promise.all([once(inFlight, 'close'), once(waiting, 'close')]);

        server.close();
        for (const socket of sockets) socket?.destroy();

        await closed;
        held.answer(500);
        expect(held.count()).toBe(1);
        const { totals, ...stats } = breaker().stats();
        expect(stats).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
        expect(totals).toMatchObject({ successes: 0, failures: 0 });
        // Each was given up: the one in flight ignored, the waiting one ignored with the slot it got,
        // or cancelled in the queue.
        expect(totals.ignored + totals.cancelled).toBe(2);
      },
    );

    it('still fails when the route had failed before the shutdown cut it', async () => {
      // A 500 the route ended, still on its way to a client that is slow to read.
      const app = protectedApp();
      const ended = deferred();
      app.get('/big', (_req, res) => {
        res.status(500).end(Buffer.alloc(32 * 1024 * 1024));
        ended.resolve();
      });
      const { url, server } = await startServer(app);
      const address = new URL(url);
      const socket = connect(Number(address.port), address.hostname);
      socket.on('error', () => {});
      socket.pause();
      onTestFinished(() => {
        socket.destroy();
      });
      socket.write(`GET /big HTTP/1.1\r\nHost: ${address.host}\r\n\r\n`);
      await ended.promise;
      const outcome = nextOutcome(registry);

      shutDown(server);

      expect(await outcome).toMatchObject({ kind: 'failure' });
      expect(breaker().stats()).toMatchObject({ inFlight: 0, totals: { failures: 1, ignored: 0 } });
    });

    it.each([
      [200, 'success'],
      [500, 'failure'],
    ] as const)(
      'is judged by its %i, a %s, when a graceful close lets it finish',
      async (status, kind) => {
        // server.close() alone closes idle connections only: the request in flight is answered.
        const app = protectedApp();
        const held = heldRoute(app, '/held');
        const { url, server } = await startServer(app);
        const reply = fetch(`${url}/held`).then((response) => response.text());
        await held.arrival(1);
        const outcome = nextOutcome(registry);

        server.close();
        held.answer(status);

        expect(await outcome).toMatchObject({ kind });
        expect(await reply).toBe('answered');
      },
    );
  },
);
