// A request that meets several breaker middlewares is guarded by the first it reaches only, as
// in the Express and Fastify adapters: a narrower breaker mounted first keeps its failures from
// opening a wider one.
import { BreakerRegistry } from '@tripswitch/core';
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { breakerMiddleware } from '../src/index.ts';
import { serve } from './serve.ts';

const clock = { now: () => 0 };

it('guards a request by the first breaker middleware it reaches', async () => {
  const registry = new BreakerRegistry();
  const app = new Hono();
  app.use('/payments/*', breakerMiddleware({ name: 'payments', registry, minimumCalls: 1, clock }));
  app.use('*', breakerMiddleware({ registry, minimumCalls: 1, clock }));
  app.get('/payments/charge', (c) => c.text('down', 500));
  app.get('/orders', (c) => c.text('orders'));

  expect((await app.request('/payments/charge')).status).toBe(500);
  expect((await app.request('/payments/charge')).status).toBe(503);
  expect((await app.request('/orders')).status).toBe(200);
  expect(registry.get('payments').stats()).toMatchObject({ state: 'open', calls: 1 });
  expect(registry.get('hono').stats()).toMatchObject({ state: 'closed', calls: 1, failures: 0 });
});

it('leaves a request its key sends around to the next breaker middleware', async () => {
  const registry = new BreakerRegistry();
  const app = new Hono();
  app.use(
    '*',
    breakerMiddleware({
      key: (c) => (c.req.path === '/public' ? undefined : 'private'),
      registry,
      clock,
    }),
  );
  app.use('*', breakerMiddleware({ name: 'app', registry, clock }));
  app.get('*', (c) => c.text('ok'));

  await app.request('/public');
  await app.request('/other');
  expect(registry.get('private').stats().calls).toBe(1);
  expect(registry.get('app').stats().calls).toBe(1);
});

it('leaves the answer of the middleware that guarded a request to a refusal thrown downstream', async () => {
  // The first middleware's key sends the request around it, the second guards it: the second
  // answers the downstream refusal its own way, and the first, which did not guard the request,
  // must not answer it again with its own 503 over that answer.
  const downstream = new BreakerRegistry().get('inventory');
  downstream.isolate();
  const app = new Hono();
  app.use('*', breakerMiddleware({ key: () => undefined, registry: new BreakerRegistry() }));
  app.use(
    '*',
    breakerMiddleware({
      name: 'shop',
      registry: new BreakerRegistry(),
      onOpen: (c) => c.text('the shop is resting', 503, { 'retry-after': '30' }),
    }),
  );
  app.get('/basket', () => {
    throw downstream.openError();
  });

  const response = await serve(app).then((url) => fetch(`${url}/basket`));

  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('30');
  expect(await response.text()).toBe('the shop is resting');
});
