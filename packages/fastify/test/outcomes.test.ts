// What the plugin records for each way a request can end: every path settles the permit exactly
// once, judged by the status finally sent, and leaves nothing in flight — under inject() and over
// real sockets alike.
import { Writable } from 'node:stream';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import Fastify, { type FastifyReply } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { type BreakerPluginOptions, breakerPlugin } from '../src/index.ts';
import { clientOf, startRequest, transports } from './client.ts';
import { deferred } from './deferred.ts';

class HttpError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

describe.each(transports)('%s: outcomes', (transport) => {
  let now: number;
  let registry: BreakerRegistry;
  const breaker = () => registry.get('fastify');

  beforeEach(() => {
    now = 0;
    registry = new BreakerRegistry();
  });

  async function guardedApp(options: BreakerPluginOptions = {}, fastifyOptions = {}) {
    const app = Fastify(fastifyOptions);
    await app.register(breakerPlugin, { registry, clock: { now: () => now }, ...options });
    return app;
  }

  it('records a 2xx response as a success', async () => {
    const app = await guardedApp();
    let handled = 0;
    app.get('/ok', async () => {
      handled++;
      return { fine: true };
    });
    const client = await clientOf(app, transport);
    const outcome = nextOutcome(registry);

    expect(await client.get('/ok')).toMatchObject({ status: 200, body: '{"fine":true}' });
    expect(await outcome).toMatchObject({ kind: 'success', name: 'fastify' });
    expect(handled).toBe(1);
    expect(breaker().stats()).toMatchObject({ calls: 1, failures: 0, inFlight: 0 });
  });

  it('records a 5xx response as a failure', async () => {
    const app = await guardedApp();
    app.get('/down', async (_request, reply) => reply.code(503).send('down'));
    const client = await clientOf(app, transport);
    const outcome = nextOutcome(registry);

    expect((await client.get('/down')).status).toBe(503);
    const recorded = await outcome;
    expect(recorded).toMatchObject({ kind: 'failure', name: 'fastify' });
    expect((recorded.error as Error).message).toBe('The response status was 503');
    expect(breaker().stats()).toMatchObject({ calls: 1, failures: 1, inFlight: 0 });
  });

  it('records a 4xx a route sends as a success, and leaves paths no route matches alone', async () => {
    const app = await guardedApp();
    app.get('/orders/:id', async (_request, reply) => reply.code(404).send({ missing: true }));
    const client = await clientOf(app, transport);
    const outcome = nextOutcome(registry);

    expect((await client.get('/orders/7')).status).toBe(404);
    expect(await outcome).toMatchObject({ kind: 'success' });
    // Fastify's own 404: no route, nothing of the service's to protect or count.
    expect((await client.get('/nowhere')).status).toBe(404);
    expect(breaker().stats()).toMatchObject({
      calls: 1,
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0, rejected: 0 },
    });
  });

  it("counts a handler that throws or rejects by the 500 Fastify's error handler sends", async () => {
    const app = await guardedApp();
    app.get('/throws', () => {
      throw new Error('bug');
    });
    app.get('/rejects', async () => {
      await Promise.resolve();
      throw new Error('async bug');
    });
    const client = await clientOf(app, transport);

    for (const path of ['/throws', '/rejects']) {
      const outcome = nextOutcome(registry);
      const reply = await client.get(path);
      expect(reply.status).toBe(500);
      expect(JSON.parse(reply.body)).toMatchObject({ statusCode: 500 });
      expect(await outcome).toMatchObject({ kind: 'failure' });
    }
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 2, inFlight: 0 });
  });

  it('counts a thrown error by the status it finally gets, from Fastify or your error handler', async () => {
    const app = await guardedApp();
    app.get('/not-found', async () => {
      throw new HttpError(404, 'no such order');
    });
    app.get('/bad-gateway', async () => {
      throw new HttpError(502, 'upstream broke');
    });
    app.get('/invalid', async () => {
      throw new RangeError('quantity must be positive');
    });
    app.setErrorHandler((error, _request, reply) => {
      if (error instanceof RangeError) return reply.code(422).send({ invalid: error.message });
      return reply.send(error);
    });
    const client = await clientOf(app, transport);

    for (const [path, status, kind] of [
      ['/not-found', 404, 'success'],
      ['/bad-gateway', 502, 'failure'],
      ['/invalid', 422, 'success'],
    ] as const) {
      const outcome = nextOutcome(registry);
      expect((await client.get(path)).status).toBe(status);
      expect(await outcome).toMatchObject({ kind });
    }
    expect(breaker().stats()).toMatchObject({ calls: 3, failures: 1, inFlight: 0 });
  });

  it('counts a request that fails validation or parsing by its 400, a success', async () => {
    const app = await guardedApp();
    app.post('/orders', { schema: { body: { type: 'object', required: ['sku'] } } }, async () => ({
      created: true,
    }));
    const client = await clientOf(app, transport);
    const json = { 'content-type': 'application/json' };

    for (const body of ['{}', '{not json']) {
      const outcome = nextOutcome(registry);
      expect((await client.request('POST', '/orders', body, json)).status).toBe(400);
      expect(await outcome).toMatchObject({ kind: 'success' });
    }
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 0, inFlight: 0 });
  });

  it('settles when a neighbouring onRequest, preHandler or onSend hook throws, by the final status', async () => {
    const app = await guardedApp();
    let handled = 0;
    app.addHook('onRequest', async (request) => {
      if (request.url === '/crash-on-request') throw new Error('onRequest neighbour crashed');
    });
    app.addHook('preHandler', async (request) => {
      if (request.url === '/deny') throw new HttpError(401, 'no token');
      if (request.url === '/crash-pre-handler') throw new Error('preHandler neighbour crashed');
    });
    app.addHook('onSend', async (request, _reply, payload) => {
      if (request.url === '/crash-on-send') throw new Error('onSend neighbour crashed');
      return payload;
    });
    app.get('/*', async () => {
      handled++;
      return 'route';
    });
    const client = await clientOf(app, transport);

    for (const [path, status, kind] of [
      ['/crash-on-request', 500, 'failure'],
      ['/deny', 401, 'success'],
      ['/crash-pre-handler', 500, 'failure'],
      ['/crash-on-send', 500, 'failure'],
    ] as const) {
      const outcome = nextOutcome(registry);
      expect((await client.get(path)).status).toBe(status);
      expect(await outcome).toMatchObject({ kind });
      expect(breaker().inFlight).toBe(0);
    }
    expect(handled).toBe(1); // only /crash-on-send reached its handler
    expect(breaker().stats()).toMatchObject({ calls: 4, failures: 3, inFlight: 0 });
  });

  it('takes no permit when a hook ahead of the plugin answers or throws', async () => {
    const app = Fastify();
    app.addHook('onRequest', async (request, reply) => {
      if (request.url === '/early') return reply.code(200).send('answered early');
      if (request.url === '/crash') throw new Error('ahead of the breaker');
    });
    await app.register(breakerPlugin, { registry });
    app.get('/*', async () => 'route');
    const client = await clientOf(app, transport);

    expect(await client.get('/early')).toMatchObject({ status: 200, body: 'answered early' });
    expect((await client.get('/crash')).status).toBe(500);
    const outcome = nextOutcome(registry);
    expect((await client.get('/other')).status).toBe(200);
    await outcome;
    expect(breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0, rejected: 0 },
    });
  });

  it('judges a hijacked reply by the status written to the raw response', async () => {
    const app = await guardedApp();
    app.get('/raw/:status', (request, reply) => {
      reply.hijack();
      const { status } = request.params as { status: string };
      reply.raw.writeHead(Number(status), { 'content-type': 'text/plain' });
      reply.raw.end('raw');
    });
    const client = await clientOf(app, transport);

    for (const [status, kind] of [
      [200, 'success'],
      [500, 'failure'],
    ] as const) {
      const outcome = nextOutcome(registry);
      expect(await client.get(`/raw/${status}`)).toMatchObject({ status, body: 'raw' });
      expect(await outcome).toMatchObject({ kind });
    }
    expect(breaker().stats()).toMatchObject({ calls: 2, failures: 1, inFlight: 0 });
  });

  it("counts Fastify's handlerTimeout, a 503, as a failure", async () => {
    const app = await guardedApp();
    const never = deferred();
    // The handler never answers: Fastify's own timer ends the request, whenever it fires.
    app.get('/stuck', { handlerTimeout: 1 }, () => never.promise);
    const client = await clientOf(app, transport);
    const outcome = nextOutcome(registry);

    expect((await client.get('/stuck')).status).toBe(503);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().inFlight).toBe(0);
    never.resolve();
  });

  it('asks isFailure with the status and the request', async () => {
    const seen: Array<[number, string]> = [];
    const app = await guardedApp({
      isFailure: (status, request) => {
        seen.push([status, request.url]);
        return status === 404 && request.url.startsWith('/strict');
      },
    });
    app.get('/*', async (_request, reply) => reply.code(404).send('gone'));
    app.get('/boom', async (_request, reply) => reply.code(500).send('boom'));
    const client = await clientOf(app, transport);

    for (const [path, kind] of [
      ['/strict/gone', 'failure'],
      ['/lenient/gone', 'success'],
      ['/boom', 'success'],
    ] as const) {
      const outcome = nextOutcome(registry);
      await client.get(path);
      expect(await outcome).toMatchObject({ kind });
    }
    expect(seen).toEqual([
      [404, '/strict/gone'],
      [404, '/lenient/gone'],
      [500, '/boom'],
    ]);
    expect(breaker().stats()).toMatchObject({ calls: 3, failures: 1, inFlight: 0 });
  });

  it("counts a failure when isFailure throws, and logs it on the request's logger", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const bug = new TypeError('isFailure bug');
    const app = await guardedApp(
      {
        isFailure: () => {
          throw bug;
        },
      },
      { logger: { level: 'error', stream } },
    );
    app.get('/ok', async () => 'fine');
    const client = await clientOf(app, transport);
    const outcome = nextOutcome(registry);

    expect((await client.get('/ok')).status).toBe(200);
    expect(await outcome).toMatchObject({ kind: 'failure', error: bug });
    const logged = lines.map(
      (line) => JSON.parse(line) as { msg: string; err?: { message: string } },
    );
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: '[tripswitch] isFailure threw; the request counts as a failure',
        err: expect.objectContaining({ message: 'isFailure bug' }),
      }),
    );
    expect(breaker().inFlight).toBe(0);
  });

  it("counts a response as slow when it took slowCallDurationMs on the breaker's clock", async () => {
    const app = await guardedApp({ slowCallDurationMs: 1_000 });
    app.get('/work/:ms', async (request, reply) => {
      const { ms } = request.params as { ms: string };
      now += Number(ms);
      return reply
        .code((request.query as { fail?: string }).fail === undefined ? 200 : 500)
        .send('done');
    });
    const client = await clientOf(app, transport);

    for (const [path, durationMs, slowCalls] of [
      ['/work/999', 999, 0],
      ['/work/1000', 1_000, 1],
      ['/work/1500?fail', 1_500, 2],
    ] as const) {
      const outcome = nextOutcome(registry);
      await client.get(path);
      expect(await outcome).toMatchObject({ durationMs });
      expect(breaker().stats().slowCalls).toBe(slowCalls);
    }
    expect(breaker().stats()).toMatchObject({ calls: 3, failures: 1, inFlight: 0 });
  });

  it.runIf(transport === 'socket')(
    'ignores a request whose client hangs up before the response',
    async () => {
      const app = await guardedApp();
      // Wrapped: a reply is a thenable (`await reply`), which a promise would adopt.
      const inHandler = deferred<{ reply: FastifyReply }>();
      let handled = 0;
      app.get('/slow', (_request, reply) => {
        handled++;
        inHandler.resolve({ reply });
      });
      const client = await clientOf(app, transport);
      const request = startRequest(`${client.url}/slow`);
      const { reply } = await inHandler.promise;
      expect(breaker().inFlight).toBe(1);
      const outcome = nextOutcome(registry);
      const closed = new Promise((resolve) => reply.raw.once('close', resolve));

      request.destroy();

      expect(await outcome).toMatchObject({ kind: 'ignored' });
      await closed;
      // The handler answering after all changes nothing.
      reply.code(500).send('too late');
      expect(handled).toBe(1);
      expect(breaker().stats()).toMatchObject({
        calls: 0,
        inFlight: 0,
        totals: { successes: 0, failures: 0, ignored: 1 },
      });
    },
  );

  it.runIf(transport === 'socket')(
    'takes no permit for a request whose client left while a hook ahead of the plugin ran',
    async () => {
      const app = Fastify();
      const arrived = deferred();
      const routeDone = deferred();
      // A slow hook ahead of ours (an auth call, say) outlives the client.
      app.addHook('onRequest', (request, _reply, done) => {
        arrived.resolve();
        request.raw.once('close', () => done());
      });
      await app.register(breakerPlugin, { registry });
      app.get('/late', async () => {
        routeDone.resolve();
        return 'late';
      });
      const client = await clientOf(app, transport);
      const request = startRequest(`${client.url}/late`);
      await arrived.promise;

      request.destroy();

      await routeDone.promise;
      expect(breaker().stats()).toMatchObject({
        inFlight: 0,
        totals: { successes: 0, failures: 0, ignored: 0, rejected: 0 },
      });
    },
  );
});
