// A refusal thrown by an HTTP client's breaker downstream — real clients, a real upstream — is
// answered with the plugin's 503; every other error goes where it would without the plugin.
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { refusalResponse } from '@tripswitch/core/http';
import { withBreaker } from '@tripswitch/fetch';
import { breakerInterceptor } from '@tripswitch/fetch/undici';
import { nextOutcome } from '@tripswitch/test-breakers';
import { startUpstream, status, type Upstream } from '@tripswitch/test-upstream';
import Fastify, { type FastifyInstance } from 'fastify';
import { Agent, fetch as undiciFetch } from 'undici';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { breakerPlugin } from '../src/index.ts';
import { clientOf, transports } from './client.ts';

// The client's breakers open after two failures and stay open for 30 s of this clock.
const clientBreaker = { minimumCalls: 2, failureRateThreshold: 100, openDurationMs: 30_000 };

describe.each(transports)('%s: refusals from downstream', (transport) => {
  let upstream: Upstream;
  let clientRegistry: BreakerRegistry;
  let now: number;

  beforeEach(async () => {
    now = 0;
    upstream = await startUpstream(onTestFinished, status(500));
    clientRegistry = new BreakerRegistry({ defaults: { clock: { now: () => now } } });
  });

  /** A Fastify app whose GET /quote calls the upstream through `call`, and returns its status. */
  async function gateway(
    call: () => Promise<number>,
    setup: (app: FastifyInstance) => void = () => {},
  ) {
    const app = Fastify();
    const seen: unknown[] = [];
    app.addHook('onError', (_request, _reply, error, done) => {
      seen.push(error);
      done();
    });
    setup(app);
    await app.register(breakerPlugin, { registry: new BreakerRegistry() });
    app.get('/quote', async () => ({ upstream: await call() }));
    app.get('/unguarded', { config: { breaker: false } }, async () => ({ upstream: await call() }));
    return { app, seen };
  }

  /** fetch with a breaker: a 5xx is a value, so the handler fails it itself. */
  function guardedFetch() {
    const fetch = withBreaker(globalThis.fetch, { registry: clientRegistry, ...clientBreaker });
    return async () => {
      const response = await fetch(`${upstream.url}/quote`);
      await response.body?.cancel();
      if (!response.ok) throw new Error(`upstream answered ${response.status}`);
      return response.status;
    };
  }

  it("answers a CircuitOpenError thrown by withBreaker(fetch) with the plugin's 503, without calling the upstream", async () => {
    const { app, seen } = await gateway(guardedFetch());
    const client = await clientOf(app, transport);
    expect((await client.get('/quote')).status).toBe(500);
    expect((await client.get('/quote')).status).toBe(500);
    expect(upstream.received).toBe(2);
    now += 12_345;

    const reply = await client.get('/quote');

    expect(upstream.received).toBe(2);
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.headers['retry-after']).toBe('18');
    const refusal = seen.at(-1);
    expect(isCircuitOpenError(refusal)).toBe(true);
    // Rendered by core's refusalResponse, as every Tripswitch server adapter renders a refusal.
    expect(reply.body).toBe(JSON.stringify(refusalResponse(refusal as never).body));
    expect(JSON.parse(reply.body)).toMatchObject({
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 17_655,
    });
  });

  it("names neither the client's breaker nor its origin, in the body or the headers", async () => {
    const { app } = await gateway(guardedFetch());
    const client = await clientOf(app, transport);
    await client.get('/quote');
    await client.get('/quote');

    const reply = await client.get('/quote');

    expect(reply.status).toBe(503);
    const { host } = new URL(upstream.url);
    expect(reply.body).not.toContain(host);
    expect(Object.values(reply.headers).join(' ')).not.toContain(host);
    expect(JSON.parse(reply.body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 30 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 30_000,
    });
  });

  it("writes that body with the route's problem, or else the plugin's", async () => {
    const app = Fastify();
    await app.register(breakerPlugin, {
      problem: (error, problem) => ({ ...problem, refusedBy: error.breakerName }),
    });
    const call = guardedFetch();
    app.get('/plugin', async () => ({ upstream: await call() }));
    app.get(
      '/route',
      {
        config: {
          breaker: { name: 'route', problem: (_error, problem) => ({ ...problem, route: true }) },
        },
      },
      async () => ({ upstream: await call() }),
    );
    const client = await clientOf(app, transport);
    await client.get('/plugin');
    await client.get('/plugin');

    expect(JSON.parse((await client.get('/plugin')).body)).toMatchObject({
      code: 'ERR_CIRCUIT_OPEN',
      refusedBy: upstream.url,
    });
    const route = JSON.parse((await client.get('/route')).body);
    expect(route).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', route: true });
    expect(route).not.toHaveProperty('refusedBy');
  });

  it("answers a refusal in an undici error's cause the same way", async () => {
    const dispatcher = new Agent().compose(
      breakerInterceptor({ registry: clientRegistry, ...clientBreaker }),
    );
    onTestFinished(() => dispatcher.close());
    const call = async () => {
      const response = await undiciFetch(`${upstream.url}/quote`, { dispatcher });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`upstream answered ${response.status}`);
      return response.status;
    };
    const { app, seen } = await gateway(call);
    const client = await clientOf(app, transport);
    await client.get('/quote');
    await client.get('/quote');

    const reply = await client.get('/quote');

    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('30');
    const wrapped = seen.at(-1) as Error;
    expect(wrapped).toBeInstanceOf(TypeError); // fetch failed, caused by the refusal
    expect(isCircuitOpenError(wrapped.cause)).toBe(true);
    expect(reply.body).toBe(JSON.stringify(refusalResponse(wrapped.cause as never).body));
    expect(upstream.received).toBe(2);
  });

  it("counts that 503 as a failure of the route: the route can't work while its dependency is refused", async () => {
    const { app } = await gateway(guardedFetch());
    const client = await clientOf(app, transport);
    const routeBreaker = app.breakers.get('fastify');
    await client.get('/quote');
    await client.get('/quote');

    const outcome = nextOutcome(routeBreaker);
    expect((await client.get('/quote')).status).toBe(503);
    expect(await outcome).toMatchObject({ kind: 'failure' });
  });

  it('answers it on a route that opted out of the breaker too', async () => {
    const { app } = await gateway(guardedFetch());
    const client = await clientOf(app, transport);
    await client.get('/unguarded');
    await client.get('/unguarded');

    const reply = await client.get('/unguarded');

    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(app.breakers.get('fastify').stats().totals).toMatchObject({ successes: 0, failures: 0 });
  });

  it("hands every other error to the scope's error handler, as if the plugin were not there", async () => {
    const handled: unknown[] = [];
    const { app } = await gateway(guardedFetch(), (app) =>
      app.setErrorHandler((error, _request, reply) => {
        handled.push(error);
        return reply.code(502).send({ mine: true });
      }),
    );
    const client = await clientOf(app, transport);

    expect(await client.get('/quote')).toMatchObject({ status: 502, body: '{"mine":true}' });
    expect((handled[0] as Error).message).toBe('upstream answered 500');
    await client.get('/quote');
    // The refusal never reaches it: it is answered first.
    expect((await client.get('/quote')).status).toBe(503);
    expect(handled).toHaveLength(2);
  });

  it('leaves a route with an error handler of its own to decide', async () => {
    const app = Fastify();
    await app.register(breakerPlugin);
    const call = guardedFetch();
    app.get(
      '/quote',
      {
        errorHandler: (error, _request, reply) =>
          reply.code(200).send({ cached: true, refused: isCircuitOpenError(error) }),
      },
      async () => ({ upstream: await call() }),
    );
    const client = await clientOf(app, transport);
    await client.get('/quote');
    await client.get('/quote');

    expect(await client.get('/quote')).toMatchObject({
      status: 200,
      body: '{"cached":true,"refused":true}',
    });
  });

  it("hands an error whose cause chain throws when read to the scope's error handler, untouched", async () => {
    const hostile = Object.defineProperty(new Error('hostile'), 'cause', {
      get() {
        throw new Error('cause getter');
      },
    });
    const handled: unknown[] = [];
    const app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      handled.push(error);
      return reply.code(502).send({ mine: true });
    });
    await app.register(breakerPlugin);
    app.get('/hostile', async () => {
      throw hostile;
    });
    const client = await clientOf(app, transport);

    expect(await client.get('/hostile')).toMatchObject({ status: 502, body: '{"mine":true}' });
    expect(handled).toEqual([hostile]);
  });

  it('leaves errors that are not Errors as Fastify treats them', async () => {
    const app = Fastify();
    await app.register(breakerPlugin);
    app.get('/string', async () => {
      throw 'not an error';
    });
    app.get('/object', async () => {
      throw { statusCode: 409, message: 'conflict' };
    });
    const client = await clientOf(app, transport);

    expect(await client.get('/string')).toMatchObject({ status: 500, body: 'not an error' });
    expect((await client.get('/object')).status).toBe(409);
  });
});
