// A client that goes away: over a real socket, @hono/node-server aborts the request's signal, and
// the middleware ignores the request, whatever the handler answers afterwards.

import type { HttpBindings } from '@hono/node-server';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { breakerMiddleware } from '../src/index.ts';
import { serve, startRequest } from './serve.ts';

it('ignores a request whose client hung up while the handler ran, even if it then fails', async () => {
  const registry = new BreakerRegistry();
  const app = new Hono();
  app.use(breakerMiddleware({ registry }));
  const arrived = Promise.withResolvers<void>();
  app.get('/slow', async (c) => {
    const signal = c.req.raw.signal;
    const gone = new Promise((resolve) => signal.addEventListener('abort', resolve));
    arrived.resolve();
    await gone;
    // What a handler whose own downstream call was cancelled with the client might answer.
    return c.text('cancelled', 500);
  });
  const url = await serve(app);
  const outcome = nextOutcome(registry);

  const client = startRequest(`${url}/slow`);
  await arrived.promise;
  expect(registry.get('hono').inFlight).toBe(1);
  client.destroy();

  expect(await outcome).toMatchObject({ kind: 'ignored', name: 'hono' });
  expect(registry.get('hono').stats()).toMatchObject({
    calls: 0,
    inFlight: 0,
    totals: { successes: 0, failures: 0, ignored: 1 },
  });
});

it('ignores it as well when nothing read the request signal before the client left', async () => {
  // The middleware learns of the hang-up from Node's response, not from a signal made for it.
  const registry = new BreakerRegistry();
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use(breakerMiddleware({ registry }));
  const arrived = Promise.withResolvers<void>();
  app.get('/slow', async (c) => {
    const closed = new Promise((resolve) => c.env.outgoing.once('close', resolve));
    arrived.resolve();
    await closed;
    return c.text('too late', 500);
  });
  const url = await serve(app);
  const outcome = nextOutcome(registry);

  const client = startRequest(`${url}/slow`);
  await arrived.promise;
  client.destroy();

  expect(await outcome).toMatchObject({ kind: 'ignored', name: 'hono' });
  expect(registry.get('hono').stats()).toMatchObject({ calls: 0, inFlight: 0 });
});
