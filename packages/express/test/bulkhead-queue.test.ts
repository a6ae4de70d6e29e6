// With a bulkhead queue, a request waits for a slot (acquire) instead of being refused at once;
// it leaves the queue when its client goes away, and is refused if the circuit opens meanwhile.
import { BreakerRegistry } from '@tripswitch/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { breakerMiddleware } from '../src/index.ts';
import { afterAdmissionAttempt } from './admission-attempts.ts';
import { deferred } from './deferred.ts';
import { type CreateApp, expresses } from './expresses.ts';
import { holdingRoute } from './holding-route.ts';
import { get, serve, startRequest } from './serve.ts';

describe.each(expresses)('%s: bulkhead queue', (_label, express: CreateApp) => {
  let registry: BreakerRegistry;
  const breaker = () => registry.get('express');

  beforeEach(() => {
    registry = new BreakerRegistry();
  });

  function queueingApp(options: { minimumCalls?: number; failureRateThreshold?: number } = {}) {
    const app = express();
    const attempted = afterAdmissionAttempt(app);
    app.use(
      breakerMiddleware({
        registry,
        bulkhead: { maxConcurrent: 1, maxQueue: 1 },
        clock: { now: () => 0 },
        ...options,
      }),
    );
    return { app, attempted };
  }

  it('lets a request wait for a slot, and refuses one beyond the queue', async () => {
    const { app, attempted } = queueingApp();
    const held = holdingRoute(app, '/hold');
    const url = await serve(app);

    const first = get(`${url}/hold`);
    await held.arrival(1);
    const second = get(`${url}/hold`);
    await attempted(2);
    expect(breaker().stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
    const third = await get(`${url}/hold`);

    expect(third.status).toBe(503);
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
    const { app, attempted } = queueingApp();
    const held = holdingRoute(app, '/hold');
    const url = await serve(app);
    const first = get(`${url}/hold`);
    await held.arrival(1);
    const client = startRequest(`${url}/hold`);
    const queuedResponse = await attempted(2);
    expect(breaker().stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
    const closed = new Promise((resolve) => queuedResponse.once('close', resolve));

    client.destroy();

    await closed;
    expect(breaker().stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
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
    const { app, attempted } = queueingApp({ minimumCalls: 1, failureRateThreshold: 100 });
    const gate = deferred();
    let handled = 0;
    app.get('/fail', async (_req, res) => {
      handled++;
      await gate.promise;
      res.sendStatus(500);
    });
    const url = await serve(app);
    const failing = get(`${url}/fail`);
    // The first request must hold the slot before the second is sent: two connections opened at
    // once can reach the server in either order.
    await attempted(1);
    const queued = get(`${url}/fail`);
    await attempted(2);
    expect(breaker().stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });

    gate.resolve();

    expect((await failing).status).toBe(500);
    const refusal = await queued;
    expect(refusal.status).toBe(503);
    expect(JSON.parse(refusal.body)).toMatchObject({
      code: 'ERR_CIRCUIT_OPEN',
      detail: 'A circuit breaker refused the call; retry in 1 s',
    });
    expect(handled).toBe(1);
    expect(breaker().stats()).toMatchObject({
      state: 'open',
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
    });
  });
});
