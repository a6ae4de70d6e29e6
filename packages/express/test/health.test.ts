// circuitsHealth: 200 while every circuit is closed, 503 (or degradedStatus) otherwise, with each
// breaker's state and rates; from an explicit registry, or from the middlewares on the same app.
import { BreakerRegistry, type RegistryHealth } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import { beforeEach, describe, expect, it } from 'vitest';
import { breakerMiddleware, circuitsHealth } from '../src/index.ts';
import { expresses } from './expresses.ts';
import { get, type Reply, serve } from './serve.ts';

const closedBreaker = (name: string, calls = 0) => ({
  name,
  state: 'closed',
  failureRate: 0,
  slowCallRate: 0,
  calls,
  rejected: 0,
});

function healthOf(reply: Reply): RegistryHealth {
  return JSON.parse(reply.body) as RegistryHealth;
}

describe.each(expresses)('%s: circuitsHealth', (_label, express) => {
  describe('with a registry', () => {
    let now: number;
    let registry: BreakerRegistry;

    beforeEach(() => {
      now = 0;
      registry = new BreakerRegistry({ defaults: { clock: { now: () => now } } });
    });

    async function healthUrl(options: { degradedStatus?: number } = {}) {
      const app = express();
      app.get('/health/circuits', circuitsHealth({ registry, ...options }));
      app.use(breakerMiddleware({ registry, minimumCalls: 2, failureRateThreshold: 50 }));
      app.get('/ok', (_req, res) => {
        res.send('fine');
      });
      app.get('/fail', (_req, res) => {
        res.sendStatus(500);
      });
      const url = await serve(app);
      return { url, health: () => get(`${url}/health/circuits`) };
    }

    it('answers 200 with every breaker while all are closed', async () => {
      const { url, health } = await healthUrl();
      const outcome = nextOutcome(registry);
      await get(`${url}/ok`);
      await outcome;

      const reply = await health();

      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(healthOf(reply)).toEqual({
        status: 'ok',
        overflows: 0,
        breakers: [closedBreaker('express', 1)],
      });
    });

    it('answers 503 with the open breaker, its rates and refusals', async () => {
      const { url, health } = await healthUrl();
      for (const path of ['/ok', '/fail']) {
        const outcome = nextOutcome(registry);
        await get(url + path);
        await outcome;
      }
      // 1 failure in 2 calls reached 50 %: the circuit is open and refuses the next request.
      expect(registry.get('express').state).toBe('open');
      expect((await get(`${url}/ok`)).status).toBe(503);

      const reply = await health();

      expect(reply.status).toBe(503);
      expect(healthOf(reply)).toEqual({
        status: 'degraded',
        overflows: 0,
        breakers: [
          {
            name: 'express',
            state: 'open',
            failureRate: 50,
            slowCallRate: 0,
            calls: 2,
            rejected: 1,
          },
        ],
      });
    });

    it('reports half-open and forced-open as degraded, disabled as healthy', async () => {
      const { health } = await healthUrl();
      const breaker = registry.get('express');

      breaker.isolate();
      expect((await health()).status).toBe(503);
      breaker.disable();
      expect((await health()).status).toBe(200);
      breaker.reset();
      // Open it, let the open period pass, and take one trial permit: half-open.
      const permits = [breaker.tryAcquire(), breaker.tryAcquire()];
      for (const permit of permits) permit?.failure(new Error('down'));
      expect(breaker.state).toBe('open');
      now += 60_000;
      const trial = breaker.tryAcquire();
      const reply = await health();
      trial?.success();

      expect(reply.status).toBe(503);
      expect(healthOf(reply).breakers[0]).toMatchObject({ name: 'express', state: 'half-open' });
      expect(breaker.inFlight).toBe(0);
    });

    it('answers degradedStatus instead of 503 when set', async () => {
      const { health } = await healthUrl({ degradedStatus: 200 });
      registry.get('express').isolate();

      const reply = await health();

      expect(reply.status).toBe(200);
      expect(healthOf(reply).status).toBe('degraded');
    });

    it('reports the breakers of outgoing clients that share the registry', async () => {
      const { health } = await healthUrl();
      // What @tripswitch/axios or got create in a shared registry: one breaker per origin.
      registry.get('https://pricing.internal').isolate();

      const reply = await health();

      expect(reply.status).toBe(503);
      expect(healthOf(reply).breakers).toEqual([
        closedBreaker('express'),
        { ...closedBreaker('https://pricing.internal'), state: 'forced-open' },
      ]);
    });
  });

  describe('without a registry', () => {
    it('reports the breakers of the middlewares on the same app once they have served', async () => {
      const app = express();
      app.get('/health/circuits', circuitsHealth());
      app.use('/payments', breakerMiddleware({ name: 'payments' }));
      app.use(breakerMiddleware());
      app.use((_req, res) => {
        res.send('ok');
      });
      const url = await serve(app);

      expect(healthOf(await get(`${url}/health/circuits`))).toEqual({
        status: 'ok',
        overflows: 0,
        breakers: [],
      });
      await get(`${url}/orders`);
      expect(healthOf(await get(`${url}/health/circuits`)).breakers).toEqual([
        closedBreaker('express', 1),
      ]);
      // Guarded by 'payments', the first breaker on its path; the app-wide one lets it pass.
      await get(`${url}/payments/42`);
      expect(healthOf(await get(`${url}/health/circuits`)).breakers).toEqual([
        closedBreaker('express', 1),
        closedBreaker('payments', 1),
      ]);
    });

    it('answers 503 when a middleware circuit on the app is open', async () => {
      const app = express();
      app.get('/health/circuits', circuitsHealth());
      app.use(breakerMiddleware({ consecutiveFailures: 1, clock: { now: () => 0 } }));
      app.use((_req, res) => {
        res.sendStatus(500);
      });
      const url = await serve(app);
      await get(`${url}/anything`);
      await get(`${url}/anything`);

      const reply = await get(`${url}/health/circuits`);

      expect(reply.status).toBe(503);
      expect(healthOf(reply)).toEqual({
        status: 'degraded',
        overflows: 0,
        breakers: [
          {
            name: 'express',
            state: 'open',
            failureRate: 100,
            slowCallRate: 0,
            calls: 1,
            rejected: 1,
          },
        ],
      });
    });

    it('reports a mounted sub-app’s breakers on the outer app', async () => {
      const api = express();
      api.use(breakerMiddleware({ name: 'api' }));
      api.get('/users', (_req, res) => {
        res.send('users');
      });
      const app = express();
      app.get('/health/circuits', circuitsHealth());
      app.use('/api', api);
      const url = await serve(app);

      await get(`${url}/api/users`);

      expect(healthOf(await get(`${url}/health/circuits`)).breakers).toEqual([
        closedBreaker('api', 1),
      ]);
    });

    it('keeps apps apart: one app never reports another app’s breakers', async () => {
      const shared = breakerMiddleware({ name: 'shared' });
      const apps = [express(), express()].map((app, i) => {
        app.get('/health/circuits', circuitsHealth());
        if (i === 0) app.use(breakerMiddleware({ name: 'first-only' }));
        app.use(shared);
        app.use((_req, res) => {
          res.send('ok');
        });
        return app;
      });
      const [first, second] = await Promise.all(apps.map((app) => serve(app)));

      await get(`${first}/x`);
      const names = async (url: string | undefined) =>
        healthOf(await get(`${url}/health/circuits`)).breakers.map((breaker) => breaker.name);

      expect(await names(first)).toEqual(['first-only', 'shared']);
      expect(await names(second)).toEqual([]);
      await get(`${second}/x`);
      expect(await names(second)).toEqual(['shared']);
    });
  });
});
