// What a refused request receives, and that no hook, parser or handler after the plugin runs for it.
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { refusalResponse } from '@tripswitch/core/http';
import { nextOutcome } from '@tripswitch/test-breakers';
import Fastify, { type FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { type BreakerPluginOptions, breakerPlugin } from '../src/index.ts';
import { type Client, clientOf, startRequest, transports } from './client.ts';
import { deferred } from './deferred.ts';
import { passedPlugin } from './passed-plugin.ts';

/** A route whose requests wait in the handler until released, so they stay in flight. */
function holdingRoute(app: FastifyInstance, path: string) {
  const gate = deferred();
  // Released however the test ends, so no request is left open to hold up app.close().
  onTestFinished(() => gate.resolve());
  const arrivals: Array<() => void> = [];
  let count = 0;
  app.get(path, async () => {
    count++;
    arrivals.shift()?.();
    await gate.promise;
    return 'held';
  });
  return {
    count: () => count,
    /** Resolves when the next request reaches the handler. */
    nextArrival: () => new Promise<void>((resolve) => arrivals.push(resolve)),
    release: () => gate.resolve(),
  };
}

describe.each(transports)('%s: refusals', (transport) => {
  let now: number;
  let registry: BreakerRegistry;
  let handled: number;
  let laterHooks: number;
  const breaker = () => registry.get('fastify');

  beforeEach(() => {
    now = 0;
    registry = new BreakerRegistry();
    handled = 0;
    laterHooks = 0;
  });

  /** An app whose breaker opens after two failures (GET /fail), for 10 s; GET /ok counts calls. */
  async function tripwiredApp(
    options: BreakerPluginOptions = {},
    beforeRoutes: (app: FastifyInstance) => void = () => {},
  ) {
    const app = Fastify();
    beforeRoutes(app);
    await app.register(breakerPlugin, {
      registry,
      clock: { now: () => now },
      minimumCalls: 2,
      failureRateThreshold: 100,
      openDurationMs: 10_000,
      ...options,
    });
    app.addHook('preHandler', async () => {
      laterHooks++;
    });
    app.get('/fail', async (_request, reply) => {
      handled++;
      return reply.code(500).send('failed');
    });
    app.get('/ok', async () => {
      handled++;
      return 'fine';
    });
    return app;
  }

  async function trip(client: Client): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const outcome = nextOutcome(registry);
      await client.get('/fail');
      await outcome;
    }
    expect(breaker().state).toBe('open');
    handled = 0;
    laterHooks = 0;
  }

  it('answers 503 with Retry-After and a problem document while open; nothing after the plugin runs', async () => {
    const client = await clientOf(await tripwiredApp(), transport);
    await trip(client);

    const reply = await client.get('/ok');

    expect(reply.status).toBe(503);
    // Exactly the media type Express and NestJS send: no charset added.
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.headers['retry-after']).toBe('10');
    expect(reply.body).toBe(
      JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'A circuit breaker refused the call; retry in 10 s',
        code: 'ERR_CIRCUIT_OPEN',
        retryAfterMs: 10_000,
      }),
    );
    expect(handled).toBe(0);
    expect(laterHooks).toBe(0);
    expect(breaker().stats()).toMatchObject({ inFlight: 0, totals: { rejected: 1 } });
  });

  it('sends the body core renders for the refusal, byte for byte', async () => {
    const client = await clientOf(await tripwiredApp(), transport);
    await trip(client);
    now += 1;

    const reply = await client.get('/ok');

    const expected = refusalResponse(breaker().openError());
    expect(reply.body).toBe(JSON.stringify(expected.body));
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)));
  });

  it('writes the body with problem, the breaker named if you want it; status and headers stay', async () => {
    const client = await clientOf(
      await tripwiredApp({
        problem: (error, problem) => ({ ...problem, breaker: error.breakerName }),
      }),
      transport,
    );
    await trip(client);

    const reply = await client.get('/ok');

    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.headers['retry-after']).toBe('10');
    expect(JSON.parse(reply.body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 10 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 10_000,
      breaker: 'fastify',
    });
  });

  it('sends the default body when problem throws or returns no object, and says so', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = await clientOf(
      await tripwiredApp({
        problem: (_error, problem) => {
          if (problem.retryAfterMs === 10_000) throw new Error('problem bug');
          return 'not an object' as never;
        },
      }),
      transport,
    );
    await trip(client);

    for (const advance of [0, 1]) {
      now += advance;
      const reply = await client.get('/ok');
      expect(reply.status).toBe(503);
      expect(JSON.parse(reply.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
      expect(JSON.parse(reply.body)).not.toHaveProperty('breaker');
    }
    expect(report).toHaveBeenCalledTimes(2);
  });

  it('rounds Retry-After up to whole seconds as the open period runs down', async () => {
    const client = await clientOf(await tripwiredApp(), transport);
    await trip(client);

    now += 2_500;
    const reply = await client.get('/ok');

    expect(reply.headers['retry-after']).toBe('8');
    expect(JSON.parse(reply.body)).toMatchObject({ retryAfterMs: 7_500 });
    expect(handled).toBe(0);
  });

  it('leaves Retry-After out while the circuit is forced open', async () => {
    const app = await tripwiredApp();
    const client = await clientOf(app, transport);
    app.breakers.isolate('fastify');

    const reply = await client.get('/ok');

    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBeUndefined();
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
    const app = await tripwiredApp({ halfOpenMaxCalls: 3 });
    const trials = holdingRoute(app, '/trial');
    const client = await clientOf(app, transport);
    await trip(client);
    now += 10_000;

    // Each request is decided when it reaches the handler (a trial, held there) or is refused.
    const threeTrials = Promise.all([
      trials.nextArrival(),
      trials.nextArrival(),
      trials.nextArrival(),
    ]);
    const nineRefused = deferred();
    let refused = 0;
    const burst = Array.from({ length: 12 }, () =>
      client.get('/trial').then((reply) => {
        if (reply.status === 503 && ++refused === 9) nineRefused.resolve();
        return reply;
      }),
    );
    await threeTrials;
    await nineRefused.promise;

    expect(trials.count()).toBe(3);
    expect(breaker().stats()).toMatchObject({ state: 'half-open', inFlight: 3 });
    trials.release();
    const replies = await Promise.all(burst);
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(3);
    for (const reply of replies.filter((r) => r.status === 503)) {
      expect(reply.headers['retry-after']).toBe('1');
      expect(JSON.parse(reply.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    }
    // Settled in onResponse, which may run just after the client has its answer.
    while (breaker().inFlight > 0) await nextOutcome(registry);
    expect(breaker().stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });

  it('sends what onOpen returns, with the request and the refusal', async () => {
    const seen: unknown[] = [];
    const client = await clientOf(
      await tripwiredApp({
        onOpen: (request, _reply, error) => {
          seen.push(request.url, error);
          return { cached: true, breaker: error.breakerName };
        },
      }),
      transport,
    );
    await trip(client);

    const reply = await client.get('/ok');

    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ cached: true, breaker: 'fastify' });
    expect(seen[0]).toBe('/ok');
    expect(isCircuitOpenError(seen[1])).toBe(true);
    expect(handled).toBe(0);
    expect(laterHooks).toBe(0);
    expect(breaker().inFlight).toBe(0);
  });

  it('lets onOpen answer through reply, sync or async, and sends the 503 when it answers nothing', async () => {
    const client = await clientOf(
      await tripwiredApp({
        onOpen: async (request, reply) => {
          await Promise.resolve();
          if (request.url === '/ok?busy') return reply.code(429).send({ busy: true });
          return undefined; // only looked: the default answer goes out
        },
      }),
      transport,
    );
    await trip(client);

    expect(await client.get('/ok?busy')).toMatchObject({ status: 429, body: '{"busy":true}' });
    const fallback = await client.get('/ok');
    expect(fallback.status).toBe(503);
    expect(fallback.headers['content-type']).toBe('application/problem+json');
    expect(handled).toBe(0);
  });

  it("sends a throw or a rejection from onOpen to Fastify's error handling; a thrown refusal gets the 503", async () => {
    const errors: unknown[] = [];
    const app = await tripwiredApp(
      {
        onOpen: async (request, _reply, error) => {
          if (request.url === '/ok?reject') throw new Error('onOpen rejected');
          if (request.url === '/ok?refusal') throw error;
          throw Object.assign(new Error('onOpen threw'), { statusCode: 418 });
        },
      },
      // Before the routes: Fastify gives a route the error handler set when it is declared.
      (app) =>
        app.setErrorHandler((error, _request, reply) => {
          errors.push(error);
          return reply.send(error);
        }),
    );
    const client = await clientOf(app, transport);
    await trip(client);

    expect((await client.get('/ok?reject')).status).toBe(500);
    expect((await client.get('/ok')).status).toBe(418);
    const refused = await client.get('/ok?refusal');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('10');
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'onOpen rejected',
      'onOpen threw',
    ]);
    expect(handled).toBe(0);
    expect(breaker().stats()).toMatchObject({ inFlight: 0, totals: { rejected: 3 } });
  });

  it("sends what a hostile onOpen does to Fastify's error handling, on the queueing path too", async () => {
    const bad = new Error('then threw');
    const onOpen = () => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable, on purpose
      then() {
        throw bad;
      },
    });
    for (const bulkhead of [undefined, { maxConcurrent: 1, maxQueue: 1 }]) {
      registry = new BreakerRegistry();
      const client = await clientOf(
        await tripwiredApp({ onOpen, ...(bulkhead && { bulkhead }) }),
        transport,
      );
      await trip(client);
      const reply = await client.get('/ok');
      expect(reply.status).toBe(500);
      expect(JSON.parse(reply.body)).toMatchObject({ message: 'then threw' });
      expect(handled).toBe(0);
    }
  });

  it('answers a full bulkhead without a queue with 503, ERR_BULKHEAD_FULL and Retry-After: 1', async () => {
    const app = await tripwiredApp({ bulkhead: { maxConcurrent: 1 } });
    const held = holdingRoute(app, '/held');
    const client = await clientOf(app, transport);
    const arrival = held.nextArrival();
    const first = client.get('/held');
    await arrival;

    const reply = await client.get('/ok');

    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('1');
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'ERR_BULKHEAD_FULL' });
    expect(handled).toBe(0);
    held.release();
    expect((await first).status).toBe(200);
  });

  async function queueingApp() {
    const app = Fastify();
    const queued = passedPlugin(app, '/ok?queued');
    await app.register(breakerPlugin, {
      registry,
      bulkhead: { maxConcurrent: 1, maxQueue: 1 },
    });
    app.get('/ok', async () => {
      handled++;
      return 'fine';
    });
    return { app, held: holdingRoute(app, '/held'), queued };
  }

  it('queues for a bulkhead slot when maxQueue allows, then serves in turn', async () => {
    const { app, held, queued } = await queueingApp();
    const client = await clientOf(app, transport);
    const arrival = held.nextArrival();
    const first = client.get('/held');
    await arrival;

    const second = client.get('/ok?queued');
    await queued;
    expect(breaker().stats().bulkhead).toMatchObject({ active: 1, queued: 1 });
    // The queue is full: one more is refused at once.
    const third = await client.get('/ok');
    expect(third.status).toBe(503);
    expect(JSON.parse(third.body)).toMatchObject({ code: 'ERR_BULKHEAD_FULL' });
    expect(handled).toBe(0);

    held.release();
    expect((await first).status).toBe(200);
    expect(await second).toMatchObject({ status: 200, body: 'fine' });
    expect(handled).toBe(1);
  });

  it.runIf(transport === 'socket')(
    'lets a queued request whose client hangs up leave the queue without reaching its handler',
    async () => {
      const { app, held, queued } = await queueingApp();
      const client = await clientOf(app, transport);
      const arrival = held.nextArrival();
      const first = client.get('/held');
      await arrival;
      const request = startRequest(`${client.url}/ok?queued`);
      const { raw } = await queued;
      expect(breaker().stats().bulkhead).toMatchObject({ active: 1, queued: 1 });
      const closed = new Promise((resolve) => raw.once('close', resolve));

      request.destroy();
      await closed;
      // The wait's rejection settles in promise reactions after 'close': let them run.
      await new Promise((resolve) => setImmediate(resolve));

      expect(breaker().stats().bulkhead).toMatchObject({ active: 1, queued: 0 });
      held.release();
      expect((await first).status).toBe(200);
      expect(handled).toBe(0);
      while (breaker().inFlight > 0) await nextOutcome(registry);
      expect(breaker().stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
    },
  );
});

it('refuses every request while open, whatever its method and route, and records none', async () => {
  const registry = new BreakerRegistry();
  const app = Fastify();
  await app.register(breakerPlugin, { registry });
  let handled = 0;
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE'],
    url: '/things/:id',
    handler: async () => {
      handled++;
      return 'thing';
    },
  });
  const client = await clientOf(app, 'inject');
  registry.isolate('fastify');

  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']) {
    expect(
      (await client.request(method, '/things/1', method === 'GET' ? undefined : '{}')).status,
    ).toBe(503);
  }
  expect(handled).toBe(0);
  expect(registry.get('fastify').stats().totals).toMatchObject({
    successes: 0,
    failures: 0,
    ignored: 0,
    rejected: 5,
  });
});
