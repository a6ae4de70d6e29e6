// A request meets every breaker middleware mounted on its path, and is guarded by the first one
// only: a narrower breaker before an app-wide one keeps its failures to itself.
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import { describe, expect, it, vi } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';
import { expresses } from './expresses.ts';
import { get, serve } from './serve.ts';

const tripwire: BreakerMiddlewareOptions = {
  minimumCalls: 2,
  failureRateThreshold: 100,
  openDurationMs: 10_000,
  clock: { now: () => 0 },
};

describe.each(expresses)('%s: a request guarded by one breaker middleware', (_label, express) => {
  it('passes through any later one: failing /payments opens the payments circuit, not the app’s', async () => {
    // The README's example: a breaker for /payments, then one "for the rest of the app".
    const registry = new BreakerRegistry();
    const app = express();
    app.use('/payments', breakerMiddleware({ ...tripwire, registry, name: 'payments' }));
    app.use(breakerMiddleware({ ...tripwire, registry }));
    let handled = 0;
    app.get('/payments/charge', (_req, res) => {
      handled++;
      res.sendStatus(500);
    });
    app.get('/orders', (_req, res) => {
      handled++;
      res.send('orders');
    });
    const url = await serve(app);

    for (let i = 0; i < 2; i++) {
      const outcome = nextOutcome(registry);
      expect((await get(`${url}/payments/charge`)).status).toBe(500);
      expect(await outcome).toMatchObject({ kind: 'failure', name: 'payments' });
    }
    expect(registry.get('payments').state).toBe('open');
    expect((await get(`${url}/payments/charge`)).status).toBe(503);
    expect(handled).toBe(2);

    for (let i = 0; i < 3; i++) {
      const outcome = nextOutcome(registry);
      expect((await get(`${url}/orders`)).status).toBe(200);
      expect(await outcome).toMatchObject({ kind: 'success', name: 'express' });
    }
    // The app-wide breaker saw /orders alone: closed, no failure, nothing refused.
    expect(registry.get('express').stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { successes: 3, failures: 0, rejected: 0 },
    });
    expect(registry.get('payments').stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 2, rejected: 1 },
    });
  });

  it('is not guarded again by a later breaker on the route itself', async () => {
    const registry = new BreakerRegistry();
    const app = express();
    app.use(breakerMiddleware({ registry, name: 'app' }));
    app.get('/report', breakerMiddleware({ registry, name: 'report' }), (_req, res) => {
      res.send('report');
    });
    const url = await serve(app);

    const outcome = nextOutcome(registry);
    expect((await get(`${url}/report`)).status).toBe(200);
    expect(await outcome).toMatchObject({ kind: 'success', name: 'app' });
    expect(registry.get('app').stats().totals.successes).toBe(1);
    expect(registry.get('report').stats().totals).toMatchObject({ successes: 0, failures: 0 });
  });

  it('a request the first breaker refused and onOpen let through is not taken by a later one', async () => {
    const registry = new BreakerRegistry();
    const app = express();
    app.use(
      '/catalog',
      breakerMiddleware({
        ...tripwire,
        registry,
        name: 'catalog',
        onOpen: (_r, _s, next) => next(),
      }),
    );
    app.use(breakerMiddleware({ ...tripwire, registry }));
    app.get('/catalog', (_req, res) => {
      res.sendStatus(502);
    });
    const url = await serve(app);

    for (let i = 0; i < 2; i++) {
      const outcome = nextOutcome(registry);
      await get(`${url}/catalog`);
      await outcome;
    }
    expect(registry.get('catalog').state).toBe('open');
    // Refused by the catalog breaker, let through unprotected: no breaker counts it.
    for (let i = 0; i < 3; i++) expect((await get(`${url}/catalog`)).status).toBe(502);
    expect(registry.get('catalog').stats().totals).toMatchObject({ failures: 2, rejected: 3 });
    expect(registry.get('express').stats().totals).toMatchObject({ successes: 0, failures: 0 });
  });

  it('passes through a breaker middleware from another copy of the package', async () => {
    // A fresh module graph stands for the other build (ESM beside CommonJS) loaded in one process.
    vi.resetModules();
    const other = (await import('../src/index.ts')) as typeof import('../src/index.ts');
    expect(other.breakerMiddleware).not.toBe(breakerMiddleware);
    const registry = new BreakerRegistry();
    const app = express();
    app.use(other.breakerMiddleware({ registry, name: 'first' }));
    app.use(breakerMiddleware({ registry, name: 'second' }));
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const url = await serve(app);

    const outcome = nextOutcome(registry);
    expect((await get(url)).status).toBe(200);
    expect(await outcome).toMatchObject({ kind: 'success', name: 'first' });
    expect(registry.get('second').stats().totals.successes).toBe(0);
  });
});
