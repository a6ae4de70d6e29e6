// The health handler: every breaker's state and rates, 200 while all are closed, 503 otherwise.
import { BreakerRegistry, type RegistryHealth } from '@tripswitch/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { breakerMiddleware, circuitsHealth } from '../src/index.ts';
import { get, serve } from './serve.ts';

async function healthOf(app: Hono, path = '/health/circuits') {
  const response = await app.request(path);
  return { response, health: (await response.json()) as RegistryHealth };
}

describe('circuitsHealth', () => {
  it('reports 200 while every circuit is closed, and 503 once one is open', async () => {
    const registry = new BreakerRegistry();
    const app = new Hono();
    app.get('/health/circuits', circuitsHealth({ registry }));
    const clock = { now: () => 0 }; // the circuit stays open however slow the machine
    app.use('/api/*', breakerMiddleware({ name: 'api', registry, minimumCalls: 2, clock }));
    app.get('/api/down', (c) => c.text('down', 500));
    const url = await serve(app);

    const healthy = await get(`${url}/health/circuits`);
    expect(healthy.status).toBe(200);
    expect(healthy.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(healthy.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(healthy.body)).toEqual({
      status: 'ok',
      overflows: 0,
      breakers: [
        { name: 'api', state: 'closed', failureRate: 0, slowCallRate: 0, calls: 0, rejected: 0 },
      ],
    });

    await get(`${url}/api/down`);
    await get(`${url}/api/down`);
    await get(`${url}/api/down`);
    const degraded = await get(`${url}/health/circuits`);
    expect(degraded.status).toBe(503);
    expect(JSON.parse(degraded.body)).toEqual({
      status: 'degraded',
      overflows: 0,
      breakers: [
        { name: 'api', state: 'open', failureRate: 100, slowCallRate: 0, calls: 2, rejected: 1 },
      ],
    });
  });

  it('reports half-open and forced-open circuits as degraded, disabled ones as ok', async () => {
    const registry = new BreakerRegistry();
    const app = new Hono();
    app.get('/health/circuits', circuitsHealth({ registry }));

    registry.get('a').disable();
    expect((await healthOf(app)).response.status).toBe(200);
    registry.get('b').isolate();
    const { response, health } = await healthOf(app);
    expect(response.status).toBe(503);
    expect(health.breakers.map(({ name, state }) => [name, state])).toEqual([
      ['a', 'disabled'],
      ['b', 'forced-open'],
    ]);
  });

  it('answers degradedStatus instead of 503 when asked', async () => {
    const registry = new BreakerRegistry();
    registry.get('a').isolate();
    const app = new Hono();
    app.get('/health/circuits', circuitsHealth({ registry, degradedStatus: 200 }));

    const { response, health } = await healthOf(app);
    expect(response.status).toBe(200);
    expect(health.status).toBe('degraded');
  });

  it('keeps headers a middleware before it set', async () => {
    const app = new Hono();
    app.use('*', async (c, next) => {
      c.header('x-served-by', 'edge-1');
      await next();
    });
    app.get('/health/circuits', circuitsHealth({ registry: new BreakerRegistry() }));

    const { response } = await healthOf(app);
    expect(response.headers.get('x-served-by')).toBe('edge-1');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it.each([
    [null, 'options'],
    [[], 'options'],
    [{ registry: {} }, 'registry'],
    [{ degradedStatus: 99 }, 'degradedStatus'],
    [{ degradedStatus: 600 }, 'degradedStatus'],
    [{ degradedStatus: 503.5 }, 'degradedStatus'],
    [{ degradedStatus: '503' }, 'degradedStatus'],
    [{ registy: new BreakerRegistry() }, 'registy'],
  ])('rejects %j, naming %s', (options, option) => {
    expect(() => circuitsHealth(options as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', option }),
    );
  });
});
