// circuitsHealth cuts long breaker names: a key can come from request input, and the report lists
// every breaker, so 16 KB names would make each health check megabytes long.
import type { BreakerRegistry } from '@tripswitch/core';
import { healthNames } from '@tripswitch/test-breakers';
import {
  itCutsLongNames,
  itRefusesBadMaxNameLength,
} from '@tripswitch/test-breakers/health-long-names';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { breakerMiddleware, type CircuitsHealthOptions, circuitsHealth } from '../src/index.ts';
import { get, serve } from './serve.ts';

describe('circuitsHealth with long names', () => {
  async function report(registry: BreakerRegistry, options: CircuitsHealthOptions = {}) {
    const app = new Hono();
    app.get('/health/circuits', circuitsHealth({ registry, ...options }));
    const url = await serve(app);
    const reply = await get(`${url}/health/circuits`);
    expect(reply.status).toBe(200);
    return healthNames(reply.body);
  }

  itCutsLongNames(report);

  // Without a registry the report holds every middleware in the process: this file's only one.
  it('cuts the names of keys taken from the request, without a registry', async () => {
    const app = new Hono();
    app.get('/health/circuits', circuitsHealth());
    app.use('/keyed/*', breakerMiddleware({ key: (c) => c.req.path }));
    app.get('/keyed/*', (c) => c.text('ok'));
    const url = await serve(app);
    const path = `/keyed/${'t'.repeat(8_000)}`;
    expect((await get(url + path)).status).toBe(200);
    expect((await get(`${url}/keyed/orders`)).status).toBe(200);

    const { names } = healthNames((await get(`${url}/health/circuits`)).body);

    expect(names).toHaveLength(2);
    expect(names[0]).toHaveLength(120);
    expect(names[0]).toMatch(/^\/keyed\/t+\u2026[0-9a-f]{16}$/);
    expect(names[1]).toBe('/keyed/orders');
  });
});

describe('circuitsHealth options', () => {
  itRefusesBadMaxNameLength(circuitsHealth);
});
