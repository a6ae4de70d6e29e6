// One breaker per key: keys are isolated from one another, untrusted keys (paths) cannot grow the
// plugin's breakers beyond maxKeys, and a flood does not erase an open circuit.
import type { RegistryHealth } from '@tripswitch/core';
import Fastify from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { breakerPlugin, circuitsHealth } from '../src/index.ts';
import { clientOf } from './client.ts';
import { deferred } from './deferred.ts';

describe('per-key breakers', () => {
  it('opens the circuit of the failing key only, over real sockets', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, {
      key: (request) => (request.params as { service?: string }).service,
      minimumCalls: 2,
      failureRateThreshold: 100,
      clock: { now: () => 0 },
    });
    app.get('/health/circuits', circuitsHealth());
    let handled = 0;
    app.get('/:service', async (request, reply) => {
      handled++;
      return reply
        .code((request.params as { service: string }).service === 'broken' ? 500 : 200)
        .send();
    });
    const client = await clientOf(app, 'socket');

    await client.get('/broken');
    await client.get('/broken');
    const refused = await client.get('/broken');
    const served = await client.get('/fine');

    expect(refused.status).toBe(503);
    // A key may be built from more than the request shows: the 503 does not name it.
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(refused.body).not.toContain('broken');
    expect(served.status).toBe(200);
    expect(handled).toBe(3);
    const health = JSON.parse((await client.get('/health/circuits')).body) as RegistryHealth;
    expect(health.breakers).toEqual([
      { name: 'broken', state: 'open', failureRate: 100, slowCallRate: 0, calls: 2, rejected: 1 },
      { name: 'fine', state: 'closed', failureRate: 0, slowCallRate: 0, calls: 1, rejected: 0 },
    ]);
  });

  it('keeps at most maxKeys breakers under a thousand distinct paths, the most recent ones', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, { key: (request) => request.url, maxKeys: 50 });
    app.get('/item/:id', async () => 'ok');
    const client = await clientOf(app, 'inject');

    const paths = 1_000;
    for (let start = 0; start < paths; start += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => client.get(`/item/${start + i}`));
      for (const reply of await Promise.all(batch)) expect(reply.status).toBe(200);
    }

    expect(app.breakers.size).toBe(50);
    expect(new Set(app.breakers.list().map((breaker) => breaker.name))).toEqual(
      new Set(Array.from({ length: 50 }, (_, i) => `/item/${paths - 50 + i}`)),
    );
  });

  it('keeps an open circuit open through a flood of new keys', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, {
      key: (request) => request.url,
      maxKeys: 20,
      minimumCalls: 1,
      failureRateThreshold: 100,
      openDurationMs: 60_000,
    });
    app.get('/item/:id', async (request, reply) =>
      reply.code((request.params as { id: string }).id === 'broken' ? 500 : 200).send(),
    );
    const client = await clientOf(app, 'inject');
    expect((await client.get('/item/broken')).status).toBe(500);

    for (let i = 0; i < 300; i++) await client.get(`/item/${i}`);

    expect(app.breakers.size).toBe(20);
    expect(app.breakers.get('/item/broken').state).toBe('open');
    expect((await client.get('/item/broken')).status).toBe(503);
  });

  it('keeps an open circuit open through a flood while every other breaker has a request in flight', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, {
      key: (request) => request.url,
      maxKeys: 10,
      minimumCalls: 1,
      failureRateThreshold: 100,
      openDurationMs: 60_000,
    });
    const gate = deferred();
    onTestFinished(() => gate.resolve());
    let held = 0;
    const allHeld = deferred();
    app.get('/broken', async (_request, reply) => reply.code(500).send());
    app.get('/held/:id', async () => {
      if (++held === 9) allHeld.resolve();
      await gate.promise;
      return 'held';
    });
    app.get('/new/:id', async () => 'new');
    const client = await clientOf(app, 'inject');
    expect((await client.get('/broken')).status).toBe(500);
    const inFlight = Array.from({ length: 9 }, (_, i) => client.get(`/held/${i}`));
    await allHeld.promise;

    // Ten breakers: the open one, and nine busy ones. Nothing idle and closed is left to evict.
    for (let i = 0; i < 100; i++) await client.get(`/new/${i}`);

    expect(app.breakers.get('/broken').state).toBe('open');
    expect((await client.get('/broken')).status).toBe(503);
    gate.resolve();
    await Promise.all(inFlight);
  });

  it('serves a new key unguarded, and counts it, when every breaker it holds is open', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, { key: (request) => request.url, maxKeys: 3 });
    app.get('/health', circuitsHealth());
    let handled = 0;
    app.get('/item/:id', async () => {
      handled++;
      return 'ok';
    });
    const client = await clientOf(app, 'inject');
    for (const id of ['a', 'b', 'c']) {
      await client.get(`/item/${id}`);
      app.breakers.isolate(`/item/${id}`);
    }

    expect((await client.get('/item/new')).status).toBe(200);
    expect(handled).toBe(4);
    expect(app.breakers.size).toBe(3);
    const health = JSON.parse((await client.get('/health')).body) as RegistryHealth;
    expect(health).toMatchObject({ status: 'degraded', overflows: 1 });
    for (const id of ['a', 'b', 'c']) expect((await client.get(`/item/${id}`)).status).toBe(503);
  });

  it('sends a request whose key is undefined around the breakers: neither refused nor counted', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, {
      key: (request) => (request.headers['x-tenant'] as string | undefined) ?? undefined,
    });
    app.get('/', async () => 'ok');
    const client = await clientOf(app, 'inject');

    expect((await client.get('/')).status).toBe(200);
    expect(app.breakers.size).toBe(0);
    expect((await client.get('/', { 'x-tenant': 'acme' })).status).toBe(200);
    app.breakers.isolate('acme');
    expect((await client.get('/', { 'x-tenant': 'acme' })).status).toBe(503);
    expect((await client.get('/')).status).toBe(200);
  });

  it("sends an error from key() to Fastify's error handler, with no breaker and no handler run", async () => {
    const app = Fastify();
    const bug = new Error('key bug');
    const errors: unknown[] = [];
    app.setErrorHandler((error, _request, reply) => {
      errors.push(error);
      return reply.code(500).send('broken key');
    });
    await app.register(breakerPlugin, {
      key: (request) => {
        if (request.url === '/throws') throw bug;
        return request.url === '/empty' ? '' : (42 as never);
      },
    });
    let handled = 0;
    app.get('/*', async () => {
      handled++;
      return 'ok';
    });
    const client = await clientOf(app, 'inject');

    for (const path of ['/throws', '/empty', '/number'])
      expect((await client.get(path)).status).toBe(500);
    expect(errors[0]).toBe(bug);
    expect(errors[1]).toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'key', value: '' });
    expect(errors[2]).toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'key', value: 42 });
    expect(handled).toBe(0);
    expect(app.breakers.size).toBe(0);
  });
});
