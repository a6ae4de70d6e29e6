// Without a registry, the health handler reports the breakers of every middleware in the
// process: a Hono context carries no reference to its app. Alone in its file, so the only
// middlewares in the process are this file's.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BreakerRegistry, type RegistryHealth } from '@tripswitch/core';
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { breakerMiddleware, circuitsHealth } from '../src/index.ts';

it('reports every middleware in the process, with or without traffic, including sub-apps', async () => {
  const api = new Hono();
  const clock = { now: () => 0 }; // the circuit stays open however slow the machine
  api.use('/orders/*', breakerMiddleware({ name: 'orders', minimumCalls: 1, clock }));
  api.get('/orders/:id', (c) => c.text('down', 500));
  const app = new Hono();
  app.get('/health/circuits', circuitsHealth());
  app.use('/payments/*', breakerMiddleware({ name: 'payments' }));
  app.use(
    '/tenants/:tenant/*',
    breakerMiddleware({ key: (c) => `tenant ${c.req.param('tenant')}` }),
  );
  app.get('/tenants/:tenant/home', (c) => c.text('home'));
  app.route('/api', api);

  let response = await app.request('/health/circuits');
  expect(response.status).toBe(200);
  expect(((await response.json()) as RegistryHealth).breakers.map(({ name }) => name)).toEqual([
    'orders',
    'payments',
  ]);

  await app.request('/tenants/acme/home');
  await app.request('/api/orders/1');
  response = await app.request('/health/circuits');
  expect(response.status).toBe(503);
  const health = (await response.json()) as RegistryHealth;
  expect(health.status).toBe('degraded');
  expect(health.breakers.map(({ name, state }) => [name, state])).toEqual([
    ['orders', 'open'],
    ['payments', 'closed'],
    ['tenant acme', 'closed'],
  ]);
});

it('reports a registry shared by several middlewares once', async () => {
  const registry = new BreakerRegistry();
  const app = new Hono();
  app.get('/health/circuits', circuitsHealth());
  app.use('/a/*', breakerMiddleware({ name: 'shared-a', registry }));
  app.use('/b/*', breakerMiddleware({ name: 'shared-b', registry }));

  const health = (await (await app.request('/health/circuits')).json()) as RegistryHealth;
  const names = health.breakers.map(({ name }) => name).filter((name) => name.startsWith('shared'));
  expect(names).toEqual(['shared-a', 'shared-b']);
});

it('forgets the breakers of a middleware nothing references any more', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const app = new Hono();
  app.get('/health/circuits', circuitsHealth());
  const names = async () =>
    ((await (await app.request('/health/circuits')).json()) as RegistryHealth).breakers.map(
      ({ name }) => name,
    );
  let dropped: unknown = breakerMiddleware({ name: 'dropped' });
  expect(await names()).toContain('dropped');

  dropped = undefined;
  // A WeakRef keeps its target alive until the job that read it ends.
  await new Promise(setImmediate);
  gc();
  expect(dropped).toBeUndefined();
  expect(await names()).not.toContain('dropped');
});
