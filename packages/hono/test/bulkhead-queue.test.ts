// With a bulkhead queue, a request waits for a slot (acquire) instead of being refused at once;
// it leaves the queue when its client goes away, and is refused if the circuit opens meanwhile.
import { BreakerRegistry } from '@tripswitch/core';
import { Hono } from 'hono';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';
import { get, serve, startRequest } from './serve.ts';
import { holdingRoute, track } from './tracker.ts';

describe('bulkhead queue', () => {
  let registry: BreakerRegistry;
  const breaker = () => registry.get('hono');

  beforeEach(() => {
    registry = new BreakerRegistry();
  });

  function queueingApp(options: BreakerMiddlewareOptions = {}) {
    const app = new Hono();
    const tracker = track(app);
    app.use(
      '*',
      breakerMiddleware({
        registry,
        bulkhead: { maxConcurrent: 1, maxQueue: 1 },
        clock: { now: () => 0 },
        ...options,
      }),
    );
    return { app, tracker };
  }

  it('lets a request wait for a slot, and refuses one beyond the queue', async () => {
    const { app, tracker } = queueingApp();
    const held = holdingRoute(app, '/hold');
    const url = await serve(app);

    const first = get(`${url}/hold`);
    await held.arrival(1);
    const second = get(`${url}/hold`);
    await tracker.attempted(2);
    expect(breaker().stats().bulkhead).toMatchObject({ active: 1, queued: 1 });
    const third = await get(`${url}/hold`);

    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(third.body)).toMatchObject({
      code: 'ERR_BULKHEAD_FULL',
      retryAfterMs: 1_000,
    });
    expect(held.count()).toBe(1);
    held.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(held.count()).toBe(2);
    expect(breaker().stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { successes: 2, rejected: 1 },
    });
  });

  it('takes a queued request out of the queue when its client hangs up; it never runs', async () => {
    const { app, tracker } = queueingApp();
    const held = holdingRoute(app, '/hold');
    const url = await serve(app);
    const first = get(`${url}/hold`);
    await held.arrival(1);
    const client = startRequest(`${url}/hold`);
    const queued = await tracker.attempted(2);
    expect(breaker().stats().bulkhead).toMatchObject({ active: 1, queued: 1 });

    client.destroy();

    expect((await queued.done).status).toBe(499);
    expect(breaker().stats().bulkhead).toMatchObject({ active: 1, queued: 0 });
    held.release();
    expect((await first).status).toBe(200);
    expect(held.count()).toBe(1);
    expect(breaker().stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it('refuses a queued request with 503 when the circuit opened while it waited', async () => {
    const { app, tracker } = queueingApp({ minimumCalls: 1, failureRateThreshold: 100 });
    const gate = Promise.withResolvers<void>();
    onTestFinished(() => gate.resolve());
    let handled = 0;
    app.get('/fail', async (c) => {
      handled++;
      await gate.promise;
      return c.text('down', 500);
    });
    const url = await serve(app);
    const failing = get(`${url}/fail`);
    // The first request must hold the slot before the second is sent: two connections opened at
    // once can reach the server in either order.
    await tracker.attempted(1);
    const queued = get(`${url}/fail`);
    await tracker.attempted(2);
    expect(breaker().stats().bulkhead).toMatchObject({ active: 1, queued: 1 });

    gate.resolve();

    expect((await failing).status).toBe(500);
    const refusal = await queued;
    expect(refusal.status).toBe(503);
    expect(JSON.parse(refusal.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(handled).toBe(1);
    expect(breaker().stats()).toMatchObject({
      state: 'open',
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
    });
  });

  it('never admits a request whose client had left before it arrived', async () => {
    const { app } = queueingApp();
    let handled = 0;
    app.get('/ok', (c) => {
      handled++;
      return c.text('ok');
    });
    const client = new AbortController();
    client.abort();

    expect((await app.request('/ok', { signal: client.signal })).status).toBe(499);
    expect(handled).toBe(0);
    expect(breaker().stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
  });

  it('gives back a slot granted in the same turn as its client left; the handler never runs', async () => {
    const { app, tracker } = queueingApp();
    const held = holdingRoute(app, '/hold');
    const first = app.request('/hold');
    await held.arrival(1);
    const client = new AbortController();
    const second = app.request('/hold', { signal: client.signal });
    await tracker.attempted(2);
    // The first request's success frees its slot for the second, then the second's client
    // leaves, all in one synchronous turn: the slot was granted to a request nobody awaits.
    breaker().on('success', () => client.abort());

    held.release();

    expect((await first).status).toBe(200);
    expect((await second).status).toBe(499);
    expect(held.count()).toBe(1);
    expect(breaker().stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { successes: 1, ignored: 0 },
    });
  });
});
