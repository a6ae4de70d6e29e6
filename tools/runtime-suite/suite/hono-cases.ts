// @tripswitch/hono on the runtime under test, through app.request() and app.fetch(): no server
// needed, so every runtime runs the same requests, workerd included.
import { BreakerRegistry, type RegistryHealth } from '@tripswitch/core';
import { withBreaker } from '@tripswitch/fetch';
import { breakerMiddleware, circuitsHealth } from '@tripswitch/hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { type Case, check, equal, manualClock, matches } from './harness.ts';

export const honoCases: Case[] = [
  {
    name: 'hono: 2xx and 4xx succeed; 5xx, thrown errors and an HTTPException of 5xx fail',
    async run() {
      const registry = new BreakerRegistry();
      const app = new Hono();
      app.use('*', breakerMiddleware({ registry, minimumCalls: 100 }));
      app.get('/ok', (c) => c.text('fine'));
      app.get('/missing', (c) => c.text('no such thing', 404));
      app.get('/down', (c) => c.text('down', 503));
      app.get('/throws', () => {
        throw new Error('bug');
      });
      app.get('/http-401', () => {
        throw new HTTPException(401, { message: 'no token' });
      });
      app.get('/http-502', () => {
        throw new HTTPException(502, { message: 'bad gateway' });
      });
      app.onError((error, c) =>
        error instanceof HTTPException ? error.getResponse() : c.text('error', 500),
      );
      const statuses: number[] = [];
      for (const path of ['/ok', '/missing', '/down', '/throws', '/http-401', '/http-502']) {
        statuses.push((await app.request(path)).status);
      }
      equal(statuses, [200, 404, 503, 500, 401, 502], 'statuses');
      const { totals, inFlight } = registry.get('hono').stats();
      equal(
        [totals.successes, totals.failures, inFlight],
        [3, 3, 0],
        'successes, failures, in flight',
      );
    },
  },
  {
    name: 'hono: an open circuit answers 503 with Retry-After and a problem document, without running the handler; a trial closes it',
    async run() {
      const clock = manualClock();
      const app = new Hono();
      app.use(
        '/api/*',
        breakerMiddleware({
          name: 'api',
          minimumCalls: 2,
          failureRateThreshold: 100,
          openDurationMs: 7_500,
          halfOpenMaxCalls: 1,
          clock,
        }),
      );
      let healthy = false;
      let handled = 0;
      app.get('/api/orders', (c) => {
        handled++;
        return healthy ? c.json({ orders: [] }) : c.text('down', 500);
      });
      await app.request('/api/orders');
      await app.request('/api/orders');
      const refused = await app.request('/api/orders');
      equal(refused.status, 503, 'status while open');
      equal(refused.headers.get('retry-after'), '8', 'Retry-After');
      equal(refused.headers.get('content-type'), 'application/problem+json', 'content type');
      const problem = (await refused.json()) as Record<string, unknown>;
      equal([problem.code, problem.retryAfterMs], ['ERR_CIRCUIT_OPEN', 7_500], 'problem');
      check(!('breaker' in problem), 'the problem document names the breaker');
      equal(handled, 2, 'handler runs');

      clock.advance(7_500);
      healthy = true;
      equal((await app.request('/api/orders')).status, 200, 'status of the trial');
      equal((await app.request('/api/orders')).status, 200, 'status once closed');
      equal(handled, 4, 'handler runs');
    },
  },
  {
    name: 'hono: a refusal thrown downstream by withBreaker(fetch) is answered 503 without its key',
    async run({ upstream }) {
      // On a clock of its own: the circuit stays open however slow the runtime.
      const downstream = withBreaker(fetch, { minimumCalls: 1, clock: manualClock() });
      const app = new Hono();
      app.use('/api/*', breakerMiddleware({ name: 'api' }));
      app.get('/api/stock', async (c) => {
        const response = await downstream(`${upstream}/hono-downstream?status=500`);
        return c.text(await response.text(), response.status === 500 ? 502 : 200);
      });
      // Hono's own error handler answers 500 too, and logs the error on the way.
      app.onError((_error, c) => c.text('Internal Server Error', 500));
      equal((await app.request('/api/stock')).status, 502, 'status while the upstream fails');
      const refused = await app.request('/api/stock');
      equal(refused.status, 503, 'status once the downstream circuit is open');
      equal(refused.headers.get('content-type'), 'application/problem+json', 'content type');
      check(refused.headers.get('retry-after') !== null, 'no Retry-After');
      const body = await refused.text();
      check(!body.includes('127.0.0.1'), `the body reveals the downstream origin: ${body}`);
      equal((JSON.parse(body) as { code: string }).code, 'ERR_CIRCUIT_OPEN', 'code');
    },
  },
  {
    name: 'hono: a request whose client went away is ignored (app.fetch)',
    async run() {
      const registry = new BreakerRegistry();
      const app = new Hono();
      app.use('*', breakerMiddleware({ registry }));
      const client = new AbortController();
      app.get('/slow', (c) => {
        client.abort(); // the client leaves while the handler works
        return c.text('too late', 500);
      });
      const response = await app.fetch(
        new Request('http://app.test/slow', { signal: client.signal }),
      );
      equal(response.status, 500, 'status');
      const { totals, calls, inFlight } = registry.get('hono').stats();
      equal(
        [totals.ignored, totals.failures, calls, inFlight],
        [1, 0, 0, 0],
        'ignored, failures, calls, in flight',
      );
    },
  },
  {
    name: 'hono: per-key breakers stay within maxKeys under a flood of keys, and the health handler reports them',
    async run() {
      const app = new Hono();
      app.get('/health/circuits', circuitsHealth());
      app.use(
        '/item/*',
        breakerMiddleware({ key: (c) => `runtime-suite ${c.req.path}`, maxKeys: 20 }),
      );
      app.get('/item/:id', (c) => c.text('ok'));
      for (let i = 0; i < 500; i++)
        equal((await app.request(`/item/${i}`)).status, 200, `status of /item/${i}`);
      const health = (await (await app.request('/health/circuits')).json()) as RegistryHealth;
      const names = health.breakers
        .map(({ name }) => name)
        .filter((name) => name.startsWith('runtime-suite '));
      equal(names.length, 20, 'breakers kept');
      check(names.includes('runtime-suite /item/499'), 'the most recent key is missing');
    },
  },
  {
    name: 'hono: circuitsHealth answers 200 while every circuit is closed, 503 once one is open',
    async run() {
      const registry = new BreakerRegistry();
      const app = new Hono();
      app.get('/health/circuits', circuitsHealth({ registry }));
      app.use('/api/*', breakerMiddleware({ name: 'api', registry }));
      const healthy = await app.request('/health/circuits');
      equal(healthy.status, 200, 'status while closed');
      equal(healthy.headers.get('content-type'), 'application/json; charset=utf-8', 'content type');
      registry.get('api').isolate();
      const degraded = await app.request('/health/circuits');
      equal(degraded.status, 503, 'status once open');
      const health = (await degraded.json()) as RegistryHealth;
      equal(health.status, 'degraded', 'health status');
      equal(
        health.breakers.map(({ name, state }) => [name, state]),
        [['api', 'forced-open']],
        'breakers',
      );
    },
  },
  {
    name: 'hono: a bulkhead queue admits waiting requests in turn and refuses beyond it',
    async run() {
      const registry = new BreakerRegistry();
      const app = new Hono();
      app.use('*', breakerMiddleware({ registry, bulkhead: { maxConcurrent: 1, maxQueue: 1 } }));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let arrivedFirst!: () => void;
      const first = new Promise<void>((resolve) => {
        arrivedFirst = resolve;
      });
      app.get('/work', async (c) => {
        arrivedFirst();
        await gate;
        return c.text('done');
      });
      const running = app.request('/work');
      await first;
      const waiting = app.request('/work');
      const breaker = registry.get('hono');
      matches(breaker.stats().bulkhead, { active: 1, queued: 1 }, 'bulkhead with one waiting');
      const refused = await app.request('/work');
      equal(refused.status, 503, 'status beyond the queue');
      equal(((await refused.json()) as { code: string }).code, 'ERR_BULKHEAD_FULL', 'code');
      release();
      equal(
        [(await running).status, (await waiting).status],
        [200, 200],
        'statuses of the admitted',
      );
      matches(breaker.stats().bulkhead, { active: 0, queued: 0 }, 'bulkhead after both');
    },
  },
];
