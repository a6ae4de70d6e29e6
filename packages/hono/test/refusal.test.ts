// What a refused request receives: the 503 problem response every Tripswitch server adapter
// sends, or onOpen's answer, and for a refusal thrown downstream the same 503 without the
// downstream breaker's name.
import { BreakerRegistry, CircuitBreaker, CircuitOpenError } from '@tripswitch/core';
import { withBreaker } from '@tripswitch/fetch';
import { nextOutcome } from '@tripswitch/test-breakers';
import { startUpstream, status } from '@tripswitch/test-upstream';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';
import { get, serve } from './serve.ts';

let now: number;
let registry: BreakerRegistry;

beforeEach(() => {
  now = 0;
  registry = new BreakerRegistry();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

function openApp(options: BreakerMiddlewareOptions = {}): { app: Hono; handled: () => number } {
  const app = new Hono();
  app.use(
    '/api/*',
    breakerMiddleware({ name: 'api', registry, clock: { now: () => now }, ...options }),
  );
  let handled = 0;
  app.get('/api/orders', (c) => {
    handled++;
    return c.text('orders');
  });
  registry.get('api').isolate();
  return { app, handled: () => handled };
}

function trip(breaker: CircuitBreaker): void {
  while (breaker.state === 'closed') breaker.tryAcquire()?.failure(new Error('down'));
}

describe('the middleware refuses', () => {
  it('with 503, Retry-After and a problem document naming no breaker; no handler runs', async () => {
    const { app, handled } = openApp({ openDurationMs: 7_500 });
    const breaker = registry.get('api');
    breaker.reset();
    trip(breaker);
    now += 1;
    const url = await serve(app);

    const refused = await get(`${url}/api/orders`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('8');
    expect(JSON.parse(refused.body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 8 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 7_499,
    });
    expect(handled()).toBe(0);
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { rejected: 1 } });
  });

  it('without Retry-After when forced open, and with 1 s when half-open is full', async () => {
    const { app } = openApp({ openDurationMs: 1_000, halfOpenMaxCalls: 1 });
    const forced = await app.request('/api/orders');
    expect(forced.status).toBe(503);
    expect(forced.headers.get('retry-after')).toBeNull();

    const breaker = registry.get('api');
    breaker.reset();
    trip(breaker);
    now += 1_000;
    const trial = breaker.tryAcquire(); // the one trial slot, held
    const full = await app.request('/api/orders');
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('1');
    trial?.success();
  });

  it('with the body problem writes, for its own refusals and those thrown downstream', async () => {
    const seen: string[] = [];
    const app = new Hono();
    app.use(
      '/api/*',
      breakerMiddleware({
        name: 'api',
        registry,
        problem: (error, problem) => {
          seen.push(error.breakerName);
          return { ...problem, breaker: error.breakerName, internal: true };
        },
      }),
    );
    const downstream = new CircuitBreaker({ name: 'http://inventory.internal:8080' });
    downstream.isolate();
    app.get('/api/stock', async (c) => c.json(await downstream.execute(async () => 'stock')));

    const thrown = await app.request('/api/stock');
    expect(thrown.status).toBe(503);
    expect(await thrown.json()).toMatchObject({
      breaker: 'http://inventory.internal:8080',
      internal: true,
    });
    registry.get('api').isolate();
    const own = await app.request('/api/stock');
    expect(own.status).toBe(503);
    expect(await own.json()).toMatchObject({ breaker: 'api', code: 'ERR_CIRCUIT_OPEN' });
    expect(seen).toEqual(['http://inventory.internal:8080', 'api']);
  });

  it('keeps headers set on the context before it, as Hono responses do', async () => {
    const { app } = openApp();
    const outer = new Hono();
    outer.use('*', async (c, next) => {
      c.header('x-request-id', 'r-1');
      await next();
    });
    outer.route('/', app);

    const refused = await outer.request('/api/orders');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('x-request-id')).toBe('r-1');
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
  });

  it("with onOpen's response instead, given the context and the error", async () => {
    const seen: unknown[] = [];
    const { app, handled } = openApp({
      onOpen: async (c, error) => {
        seen.push(c.req.path, error.code);
        return c.json({ cached: true }, 200);
      },
    });

    const response = await app.request('/api/orders');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ cached: true });
    expect(seen).toEqual(['/api/orders', 'ERR_CIRCUIT_OPEN']);
    expect(handled()).toBe(0);
  });

  it('hands what onOpen throws to app.onError', async () => {
    const bug = new Error('onOpen bug');
    const { app } = openApp({
      onOpen: () => {
        throw bug;
      },
    });
    const errors: unknown[] = [];
    app.onError((error, c) => {
      errors.push(error);
      return c.text('handled', 500);
    });

    expect((await app.request('/api/orders')).status).toBe(500);
    expect(errors).toEqual([bug]);
  });

  it('says so when onOpen returns no response', async () => {
    const { app } = openApp({ onOpen: (() => undefined) as unknown as () => Response });
    const errors: unknown[] = [];
    app.onError((error, c) => {
      errors.push(error);
      return c.text('handled', 500);
    });

    expect((await app.request('/api/orders')).status).toBe(500);
    expect(errors).toEqual([
      new TypeError('onOpen must return a Response (or a promise of one); it returned undefined'),
    ]);
  });
});

describe('a refusal thrown by a handler', () => {
  const internal = 'http://inventory.internal:8080';

  function appCalling(
    call: () => Promise<unknown>,
    options: BreakerMiddlewareOptions = { name: 'api' },
  ) {
    const app = new Hono();
    app.use('/api/*', breakerMiddleware({ registry, ...options }));
    app.get('/api/stock', async (c) => c.json(await call()));
    return app;
  }

  it('is answered with the same 503, naming no breaker, and is a failure', async () => {
    const downstream = new CircuitBreaker({ name: internal, clock: { now: () => now } });
    trip(downstream);
    const app = appCalling(() => downstream.execute(async () => 'stock'));
    const outcome = nextOutcome(registry);

    const response = await app.request('/api/stock');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('1');
    const text = await response.text();
    expect(text).not.toContain('inventory');
    expect(JSON.parse(text)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 1 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 1_000,
    });
    expect(await outcome).toMatchObject({ kind: 'failure', name: 'api' });
    expect(registry.get('api').inFlight).toBe(0);
  });

  it('is found in the cause of the error a client wraps it in, bulkhead refusals too', async () => {
    const downstream = new CircuitBreaker({
      name: internal,
      bulkhead: { maxConcurrent: 1 },
    });
    const held = downstream.tryAcquire();
    const app = appCalling(async () => {
      try {
        return await downstream.execute(async () => 'stock');
      } catch (error) {
        throw new TypeError('fetch failed', { cause: error });
      }
    });

    const response = await app.request('/api/stock');
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ code: 'ERR_BULKHEAD_FULL', detail: expect.any(String) });
    expect(body).not.toHaveProperty('breaker');
    expect(JSON.stringify(body)).not.toContain('inventory');
    held?.success();
  });

  it('from withBreaker(fetch) against a real failing upstream', async () => {
    const upstream = await startUpstream(onTestFinished, status(500));
    const fetchUpstream = withBreaker(fetch, {
      minimumCalls: 2,
      failureRateThreshold: 100,
      registry,
      clock: { now: () => now }, // the circuit stays open however slow the machine
    });
    const app = appCalling(async () => (await fetchUpstream(`${upstream.url}/stock`)).status);
    const url = await serve(app);

    expect(await get(`${url}/api/stock`)).toMatchObject({ status: 200, body: '500' });
    expect(await get(`${url}/api/stock`)).toMatchObject({ status: 200, body: '500' });
    const refused = await get(`${url}/api/stock`);
    expect(refused.status).toBe(503);
    expect(refused.body).not.toContain(upstream.url);
    expect(refused.body).not.toContain('127.0.0.1');
    expect(upstream.received).toBe(2);
  });

  it('is answered even on a route the middleware lets around its breaker', async () => {
    const downstream = new CircuitBreaker({ name: internal });
    downstream.isolate();
    const app = appCalling(() => downstream.execute(async () => 'stock'), {
      key: () => undefined,
    });

    const response = await app.request('/api/stock');
    expect(response.status).toBe(503);
    expect(await response.text()).not.toContain('inventory');
  });

  it('is answered so whatever 5xx app.onError made of it', async () => {
    const downstream = new CircuitBreaker({ name: internal });
    downstream.isolate();
    const app = appCalling(() => downstream.execute(async () => 'stock'));
    app.onError((_error, c) => c.json({ error: 'upstream unreachable' }, 502));

    const response = await app.request('/api/stock');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
  });

  it("is answered by onOpen when given, and judged by onOpen's answer", async () => {
    const downstream = new CircuitBreaker({ name: internal });
    downstream.isolate();
    const seen: string[] = [];
    const app = appCalling(() => downstream.execute(async () => 'stock'), {
      name: 'api',
      onOpen: (c, error) => {
        seen.push(error.breakerName);
        return c.json({ stock: 'stale' }, 200);
      },
    });
    const outcome = nextOutcome(registry);

    const response = await app.request('/api/stock');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stock: 'stale' });
    expect(seen).toEqual([internal]);
    expect(await outcome).toMatchObject({ kind: 'success' });
  });

  it('settles the permit when onOpen throws on it, and hands the throw to app.onError', async () => {
    const downstream = new CircuitBreaker({ name: internal });
    downstream.isolate();
    const bug = new Error('onOpen bug');
    const app = appCalling(() => downstream.execute(async () => 'stock'), {
      name: 'api',
      onOpen: () => {
        throw bug;
      },
    });
    const errors: unknown[] = [];
    app.onError((error, c) => {
      errors.push(error);
      return c.text('error', 500);
    });
    const outcome = nextOutcome(registry);

    expect((await app.request('/api/stock')).status).toBe(500);
    expect(await outcome).toMatchObject({ kind: 'failure', error: bug });
    expect(errors).toEqual([expect.objectContaining({ code: 'ERR_CIRCUIT_OPEN' }), bug]);
    expect(registry.get('api').inFlight).toBe(0);
  });

  it('is left to an app.onError that answers refusals its own way, below 500', async () => {
    const downstream = new CircuitBreaker({ name: internal });
    downstream.isolate();
    const app = appCalling(() => downstream.execute(async () => 'stock'));
    app.onError((error, c) =>
      error instanceof CircuitOpenError ? c.text('stale stock', 200) : c.text('bug', 500),
    );

    const response = await app.request('/api/stock');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('stale stock');
  });

  it('is not confused with other errors, nor with an HTTPException of 500', async () => {
    const app = new Hono();
    app.use(breakerMiddleware({ registry }));
    app.get('/bug', () => {
      throw new Error('bug', { cause: new Error('deeper') });
    });
    app.get('/http', () => {
      throw new HTTPException(500, { message: 'plain' });
    });

    expect(await (await app.request('/bug')).text()).toBe('Internal Server Error');
    expect(await (await app.request('/http')).text()).toBe('plain');
  });
});
