// circuitsHealth() cuts long breaker names: a key can come from request input, and the report
// lists every breaker, so 16 KB names would make each health check megabytes long.
import type { BreakerRegistry } from '@tripswitch/core';
import { healthNames } from '@tripswitch/test-breakers';
import {
  itCutsLongNames,
  itRefusesBadMaxNameLength,
} from '@tripswitch/test-breakers/health-long-names';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { breakerPlugin, type CircuitsHealthOptions, circuitsHealth } from '../src/index.ts';
import { clientOf, transports } from './client.ts';

describe.each(transports)('%s: circuitsHealth() with long names', (transport) => {
  async function report(registry: BreakerRegistry, options: CircuitsHealthOptions = {}) {
    const app = Fastify();
    app.get('/health/circuits', circuitsHealth({ registry, ...options }));
    const client = await clientOf(app, transport);
    const reply = await client.get('/health/circuits');
    expect(reply.status).toBe(200);
    return healthNames(reply.body);
  }

  itCutsLongNames(report);

  it('cuts the names of keys taken from the request, from the plugin’s registry', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, { key: (request) => request.url });
    app.get('/health/circuits', circuitsHealth());
    app.get('/*', async () => 'ok');
    const client = await clientOf(app, transport);
    const path = `/${'t'.repeat(8_000)}`;
    expect((await client.get(path)).status).toBe(200);
    expect((await client.get('/orders')).status).toBe(200);

    const { names } = healthNames((await client.get('/health/circuits')).body);

    expect(names).toHaveLength(2);
    expect(names[0]).toHaveLength(120);
    expect(names[0]).toMatch(/^\/t+\u2026[0-9a-f]{16}$/);
    expect(names[1]).toBe('/orders');
  });
});

describe('circuitsHealth() options', () => {
  itRefusesBadMaxNameLength(circuitsHealth);
});
