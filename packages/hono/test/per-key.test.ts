// One breaker per key: keys are isolated from one another, untrusted keys (paths) cannot grow
// the middleware's breakers beyond maxKeys, and a flood of new keys does not erase an open one.
import { BreakerRegistry, type RegistryHealth } from '@tripswitch/core';
import { Hono } from 'hono';
import { describe, expect, it, onTestFinished } from 'vitest';
import { breakerMiddleware, circuitsHealth } from '../src/index.ts';
import { get, serve } from './serve.ts';

const failFast = { minimumCalls: 2, failureRateThreshold: 100, clock: { now: () => 0 } } as const;

describe('per-key breakers', () => {
  it('opens the circuit of the failing key only', async () => {
    const registry = new BreakerRegistry();
    const app = new Hono();
    app.get('/health/circuits', circuitsHealth({ registry }));
    app.use('/services/*', breakerMiddleware({ key: (c) => c.req.path, registry, ...failFast }));
    let handled = 0;
    app.get('/services/:service', (c) => {
      handled++;
      return c.text('', c.req.param('service') === 'broken' ? 500 : 200);
    });
    const url = await serve(app);

    await get(`${url}/services/broken`);
    await get(`${url}/services/broken`);
    const refused = await get(`${url}/services/broken`);
    const served = await get(`${url}/services/fine`);

    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(refused.body).not.toContain('/services/broken'); // a key names no breaker in public
    expect(served.status).toBe(200);
    expect(handled).toBe(3);
    const health = JSON.parse((await get(`${url}/health/circuits`)).body) as RegistryHealth;
    expect(health.breakers).toEqual([
      {
        name: '/services/broken',
        state: 'open',
        failureRate: 100,
        slowCallRate: 0,
        calls: 2,
        rejected: 1,
      },
      {
        name: '/services/fine',
        state: 'closed',
        failureRate: 0,
        slowCallRate: 0,
        calls: 1,
        rejected: 0,
      },
    ]);
  });

  it('keeps at most maxKeys breakers under thousands of distinct paths', async () => {
    const app = new Hono();
    // Without a registry the health handler reports every middleware in the process: a prefix
    // of its own tells this middleware's breakers apart.
    app.get('/health/circuits', circuitsHealth());
    app.use('/item/*', breakerMiddleware({ key: (c) => `flood ${c.req.path}`, maxKeys: 50 }));
    app.get('/item/:id', (c) => c.text('ok'));

    const paths = 3_000;
    for (let start = 0; start < paths; start += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => app.request(`/item/${start + i}`));
      for (const response of await Promise.all(batch)) expect(response.status).toBe(200);
    }

    const health = (await (await app.request('/health/circuits')).json()) as RegistryHealth;
    const names = health.breakers
      .map((breaker) => breaker.name)
      .filter((name) => name.startsWith('flood '));
    // The least recently used went first: the last 50 paths are the ones kept.
    expect(new Set(names)).toEqual(
      new Set(Array.from({ length: 50 }, (_, i) => `flood /item/${paths - 50 + i}`)),
    );
  });

  it('sends an error from key() to app.onError, with no breaker and no handler run', async () => {
    const registry = new BreakerRegistry();
    const bug = new Error('key bug');
    const app = new Hono();
    app.use(
      breakerMiddleware({
        registry,
        key: (c) => {
          if (c.req.path === '/throws') throw bug;
          return c.req.path === '/empty' ? '' : (42 as unknown as string);
        },
      }),
    );
    let handled = 0;
    app.get('*', (c) => {
      handled++;
      return c.text('route');
    });
    const errors: unknown[] = [];
    app.onError((error, c) => {
      errors.push(error);
      return c.text('error', 500);
    });

    for (const path of ['/throws', '/empty', '/number']) {
      expect((await app.request(path)).status).toBe(500);
    }
    expect(errors[0]).toBe(bug);
    expect(errors.slice(1)).toMatchObject([
      { code: 'ERR_INVALID_OPTION', option: 'key', value: '' },
      { code: 'ERR_INVALID_OPTION', option: 'key', value: 42 },
    ]);
    expect(handled).toBe(0);
    expect(registry.size).toBe(0);
  });

  it('lets a request whose key is undefined around the breakers, uncounted', async () => {
    const registry = new BreakerRegistry();
    const app = new Hono();
    app.use(
      breakerMiddleware({
        registry,
        key: (c) => (c.req.path.startsWith('/public') ? undefined : c.req.path),
        ...failFast,
      }),
    );
    app.get('*', (c) => c.text('down', 500));

    for (let i = 0; i < 5; i++) expect((await app.request('/public/page')).status).toBe(500);
    expect(registry.size).toBe(0);
    await app.request('/private');
    await app.request('/private');
    expect((await app.request('/private')).status).toBe(503);
    expect((await app.request('/public/page')).status).toBe(500);
  });

  // The attack of issue 12: requests held in flight on maxKeys - 1 keys make every breaker but
  // the open one busy, and a flood of new keys would then evict the open breaker, erasing the
  // outage. Core's keyed registry never evicts an open breaker.
  it('keeps an open breaker through a flood of new keys held in flight', async () => {
    const maxKeys = 10;
    const app = new Hono();
    app.use('*', breakerMiddleware({ key: (c) => c.req.path, maxKeys, ...failFast }));
    const gate = Promise.withResolvers<void>();
    onTestFinished(() => gate.resolve());
    let arrived = 0;
    const allArrived = Promise.withResolvers<void>();
    let brokenHandled = 0;
    app.get('/broken', (c) => {
      brokenHandled++;
      return c.text('down', 500);
    });
    app.get('/held/:i', async (c) => {
      if (++arrived === maxKeys - 1) allArrived.resolve();
      await gate.promise;
      return c.text('held');
    });
    app.get('/new/:i', (c) => c.text('new'));

    await app.request('/broken');
    await app.request('/broken');
    const held = Array.from({ length: maxKeys - 1 }, (_, i) => app.request(`/held/${i}`));
    await allArrived.promise;
    for (let i = 0; i < 100; i++) expect((await app.request(`/new/${i}`)).status).toBe(200);

    expect((await app.request('/broken')).status).toBe(503);
    expect(brokenHandled).toBe(2);
    gate.resolve();
    await Promise.all(held);
  });
});
