// Requests in flight when the application shuts down (fastify.close()): with
// forceCloseConnections their connections are cut, and a request the shutdown cut off says
// nothing about the route: it must neither fail the breaker (every deploy would push it toward
// open, and with a shared store the fleet's) nor hold a half-open trial. A route that had failed
// before the cut still fails. Without forceCloseConnections, close() waits for them: judged.
import { once } from 'node:events';
import { request as httpRequest, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome, testClock, trip } from '@tripswitch/test-breakers';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { type BreakerPluginOptions, breakerPlugin } from '../src/index.ts';
import { type Deferred, deferred } from './deferred.ts';
import { passedPlugin } from './passed-plugin.ts';

/**
 * GETs `url` with node:http, without keep-alive; `firstBytes` resolves once the body's first
 * bytes arrived, `body` with what arrived once the response is over. The client's errors when
 * the connection is cut are expected and swallowed.
 */
function startReading(url: string): { firstBytes: Promise<void>; body: Promise<string> } {
  const firstBytes = deferred();
  const body = deferred<string>();
  const request = httpRequest(url, { agent: false }, (message) => {
    let text = '';
    message.setEncoding('utf8');
    message.on('error', () => {});
    message.once('data', () => firstBytes.resolve());
    message.on('data', (chunk: string) => {
      text += chunk;
    });
    message.on('close', () => body.resolve(text));
  });
  request.on('error', () => body.resolve(''));
  request.end();
  onTestFinished(() => {
    request.destroy();
  });
  return { firstBytes: firstBytes.promise, body: body.promise };
}

/** A route whose requests wait in the handler until the test says what they answer. */
function heldRoute(app: FastifyInstance, path: string) {
  // Node's response, not the reply: a reply is a thenable, which a promise would wait on.
  const arrivals: Array<Deferred<ServerResponse>> = [];
  const nth = (n: number) => {
    while (arrivals.length < n) arrivals.push(deferred<ServerResponse>());
    return arrivals[n - 1] as Deferred<ServerResponse>;
  };
  const status = deferred<number>();
  let count = 0;
  app.get(path, async (_request, reply) => {
    nth(++count).resolve(reply.raw);
    return reply.code(await status.promise).send('answered');
  });
  return {
    /** Resolves with the response of the `n`th request once it reached the handler. */
    arrival: (n: number) => nth(n).promise,
    /** Answers every held request, and every later one, with `status`. */
    answer: status.resolve,
    /** How many requests reached the handler. */
    count: () => count,
  };
}

/** Listens on 127.0.0.1 and a free port; returns the base URL. */
function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}

describe('a request in flight when the app closes', () => {
  let registry: BreakerRegistry;
  const breaker = () => registry.get('fastify');

  beforeEach(() => {
    registry = new BreakerRegistry();
  });

  /** An app with the plugin registered, closed when the test ends; routes go on it next. */
  async function appWith(
    serverOptions: FastifyServerOptions,
    options: BreakerPluginOptions = {},
  ): Promise<FastifyInstance> {
    const app = Fastify({ logger: false, ...serverOptions });
    await app.register(breakerPlugin, { registry, ...options });
    // close() is idempotent: for a test that closed the app, this waits for the same close.
    onTestFinished(() => app.close());
    return app;
  }

  const tripwire = { minimumCalls: 2, failureRateThreshold: 100, halfOpenMaxCalls: 1 } as const;

  describe('with forceCloseConnections', () => {
    const force = { forceCloseConnections: true };

    it('is ignored when the close cuts it before its headers went out', async () => {
      const app = await appWith(force);
      const held = heldRoute(app, '/held');
      const url = await listen(app);
      startReading(`${url}/held`);
      await held.arrival(1);
      const outcome = nextOutcome(registry);

      const closing = app.close();

      expect(await outcome).toMatchObject({ kind: 'ignored' });
      // The handler answering after all changes nothing.
      held.answer(500);
      await closing;
      expect(breaker().stats()).toMatchObject({
        calls: 0,
        inFlight: 0,
        totals: { successes: 0, failures: 0, ignored: 1 },
      });
    });

    it('is ignored when the close cuts a stream payload after its headers went out', async () => {
      const app = await appWith(force);
      const body = new PassThrough();
      app.get('/export', (_request, reply) => reply.type('text/plain').send(body));
      const reading = startReading(`${await listen(app)}/export`);
      body.write('first rows\n');
      await reading.firstBytes;
      const outcome = nextOutcome(registry);

      await app.close();

      expect(await outcome).toMatchObject({ kind: 'ignored' });
      expect(breaker().stats()).toMatchObject({
        calls: 0,
        inFlight: 0,
        totals: { successes: 0, failures: 0, ignored: 1 },
      });
    });

    it('is ignored when the close cuts a hijacked response mid-way', async () => {
      const app = await appWith(force);
      app.get('/raw', (_request, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/plain' });
        reply.raw.write('first rows\n');
      });
      const reading = startReading(`${await listen(app)}/raw`);
      await reading.firstBytes;
      const outcome = nextOutcome(registry);

      await app.close();

      expect(await outcome).toMatchObject({ kind: 'ignored' });
    });

    it.each([200, 500])(
      'is ignored when its handler answers %i in the turn its connection was cut, before Node reported the close',
      async (status) => {
        // An application that cuts its connections and cancels the work in flight in one go:
        // the handlers fail at once, before the server has told anyone the connections closed.
        const app = await appWith(force);
        const held = heldRoute(app, '/held');
        startReading(`${await listen(app)}/held`);
        const response = await held.arrival(1);
        const outcome = nextOutcome(registry);

        app.server.closeAllConnections();
        held.answer(status);

        expect(await outcome).toMatchObject({ kind: 'ignored' });
        expect(response.writableEnded).toBe(true);
        expect(breaker().stats()).toMatchObject({ calls: 0, inFlight: 0, totals: { ignored: 1 } });
      },
    );

    it('is ignored when a preClose hook cancels its work, and it answers 500 once the close cut it', async () => {
      // What an app that cancels its work in flight on shutdown does: Fastify runs the preClose
      // hooks, then cuts the connections, then the handlers' answers come, before Node reports
      // the connections closed.
      const app = await appWith(force);
      const held = heldRoute(app, '/held');
      app.addHook('preClose', (done) => {
        held.answer(500);
        done();
      });
      startReading(`${await listen(app)}/held`);
      await held.arrival(1);
      const outcome = nextOutcome(registry);

      await app.close();

      expect(await outcome).toMatchObject({ kind: 'ignored' });
      expect(breaker().stats()).toMatchObject({ calls: 0, inFlight: 0, totals: { failures: 0 } });
    });

    it.each([
      ['cut after its headers went out', false],
      ['answering 500 in the turn of the cut', true],
    ])(
      'frees the half-open trial slot it held, %s: the circuit stays half-open for the next trial',
      async (_, answers) => {
        const clock = testClock();
        const app = await appWith(force, { clock, ...tripwire });
        const held = heldRoute(app, '/held');
        const body = new PassThrough();
        app.get('/export', (_request, reply) => reply.type('text/plain').send(body));
        const url = await listen(app);
        trip(breaker());
        clock.advance(60_000);
        if (answers) {
          startReading(`${url}/held`);
          await held.arrival(1);
        } else {
          const reading = startReading(`${url}/export`);
          body.write('first rows\n');
          await reading.firstBytes;
        }
        expect(breaker().stats()).toMatchObject({ state: 'half-open', inFlight: 1 });
        const outcome = nextOutcome(registry);

        if (answers) {
          app.server.closeAllConnections();
          held.answer(500);
        } else {
          await app.close();
        }

        expect(await outcome).toMatchObject({ kind: 'ignored' });
        expect(breaker().state).toBe('half-open');
        const nextTrial = breaker().tryAcquire();
        expect(nextTrial).not.toBeNull();
        nextTrial?.success();
        expect(breaker().state).toBe('closed');
      },
    );

    // forceCloseConnections destroys the connections in an order of Node's own, and Node reports
    // them closed in an order of its own too (the last destroyed first, today). These destroy them
    // as it does, in each order: when the one in flight is reported first, the slot it frees goes
    // to the waiting one, whose connection is gone but not yet reported.
    it.each([
      ['the one in flight, then the waiting one', true],
      ['the waiting one, then the one in flight', false],
    ])(
      'never runs a request waiting for a bulkhead slot when the close cuts %s',
      async (_, inFlightFirst) => {
        const app = Fastify({ logger: false, ...force });
        const queued = passedPlugin(app, '/held?queued');
        await app.register(breakerPlugin, {
          registry,
          bulkhead: { maxConcurrent: 1, maxQueue: 1 },
        });
        const held = heldRoute(app, '/held');
        onTestFinished(() => app.close());
        const url = await listen(app);
        startReading(`${url}/held`);
        const inFlight = await held.arrival(1);
        startReading(`${url}/held?queued`);
        const { raw: waiting } = await queued;
        expect(breaker().stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
        const sockets = [inFlight.socket, waiting.socket];
        if (!inFlightFirst) sockets.reverse();
        const closed = Promise.all([once(inFlight, 'close'), once(waiting, 'close')]);

        for (const socket of sockets) socket?.destroy();

        await closed;
        held.answer(500);
        await app.close();
        expect(held.count()).toBe(1);
        const { totals, ...stats } = breaker().stats();
        expect(stats).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
        expect(totals).toMatchObject({ successes: 0, failures: 0 });
        // Each was given up: the one in flight ignored, the waiting one ignored with the slot it
        // got, or cancelled in the queue.
        expect(totals.ignored + totals.cancelled).toBe(2);
      },
    );

    it('still fails when the route had failed before the close cut it', async () => {
      // A 500 the handler ended, still on its way to a client that is slow to read.
      const app = await appWith(force);
      const ended = deferred();
      app.get('/big', (_request, reply) => {
        reply.raw.once('prefinish', () => ended.resolve());
        return reply.code(500).send(Buffer.alloc(32 * 1024 * 1024));
      });
      const address = new URL(await listen(app));
      const socket = connect(Number(address.port), address.hostname);
      socket.on('error', () => {});
      socket.pause();
      onTestFinished(() => {
        socket.destroy();
      });
      socket.write(`GET /big HTTP/1.1\r\nHost: ${address.host}\r\n\r\n`);
      await ended.promise;
      const outcome = nextOutcome(registry);

      await app.close();

      expect(await outcome).toMatchObject({ kind: 'failure' });
      expect(breaker().stats()).toMatchObject({ inFlight: 0, totals: { failures: 1, ignored: 0 } });
    });
  });

  describe('without forceCloseConnections', () => {
    it.each([
      [200, 'success'],
      [500, 'failure'],
    ] as const)('waits for it, and judges its %i a %s', async (status, kind) => {
      const app = await appWith({});
      const held = heldRoute(app, '/held');
      const reading = startReading(`${await listen(app)}/held`);
      await held.arrival(1);
      const outcome = nextOutcome(registry);

      const closing = app.close();
      held.answer(status);

      expect(await outcome).toMatchObject({ kind });
      await closing;
      expect(await reading.body).toBe('answered');
    });
  });
});
