// circuitsHealth(): 200 while every circuit is closed, else 503, the JSON Express's handler sends.
import { BreakerRegistry } from '@tripswitch/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { breakerPlugin, circuitsHealth } from '../src/index.ts';
import { clientOf, transports } from './client.ts';

describe.each(transports)('%s: circuitsHealth()', (transport) => {
  it('reports the breakers guarding its scope: 200 while all are closed, 503 when any is not', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, { name: 'orders' });
    app.get('/orders', async () => 'orders');
    app.get('/payments', { config: { breaker: { name: 'payments' } } }, async () => 'paid');
    app.get('/health/circuits', circuitsHealth());
    const client = await clientOf(app, transport);
    await client.get('/orders');

    const healthy = await client.get('/health/circuits');
    expect(healthy.status).toBe(200);
    expect(healthy.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(healthy.headers['cache-control']).toBe('no-store');
    // In the order the breakers were created: the plugin's when registered, the route's when declared.
    expect(JSON.parse(healthy.body)).toEqual({
      status: 'ok',
      overflows: 0,
      breakers: [
        { name: 'orders', state: 'closed', failureRate: 0, slowCallRate: 0, calls: 1, rejected: 0 },
        {
          name: 'payments',
          state: 'closed',
          failureRate: 0,
          slowCallRate: 0,
          calls: 0,
          rejected: 0,
        },
      ],
    });

    for (const [act, state] of [
      ['isolate', 'forced-open'],
      ['reset', 'closed'],
    ] as const) {
      app.breakers[act]('payments');
      const reply = await client.get('/health/circuits');
      expect(reply.status).toBe(state === 'closed' ? 200 : 503);
      expect(JSON.parse(reply.body)).toMatchObject({
        status: state === 'closed' ? 'ok' : 'degraded',
        breakers: expect.arrayContaining([
          expect.objectContaining({ name: 'orders', state: 'closed' }),
          expect.objectContaining({ name: 'payments', state }),
        ]),
      });
    }
  });

  it('reports a given registry, with its degradedStatus, and is answered while every circuit is open', async () => {
    const clients = new BreakerRegistry();
    clients.get('https://pricing.internal').isolate();
    const app = Fastify();
    await app.register(breakerPlugin);
    app.get('/health/clients', circuitsHealth({ registry: clients, degradedStatus: 299 }));
    app.get('/health/circuits', circuitsHealth());
    const client = await clientOf(app, transport);
    app.breakers.isolate('fastify');

    const reply = await client.get('/health/clients');
    expect(reply.status).toBe(299);
    expect(JSON.parse(reply.body)).toMatchObject({
      status: 'degraded',
      breakers: [{ name: 'https://pricing.internal', state: 'forced-open' }],
    });
    expect((await client.get('/health/circuits')).status).toBe(503);
    expect(app.breakers.get('fastify').stats().totals.rejected).toBe(0);
  });

  it('fails loudly, rather than report nothing, where no registration is in scope', async () => {
    const app = Fastify();
    app.get('/health/circuits', circuitsHealth());
    const client = await clientOf(app, transport);

    const reply = await client.get('/health/circuits');
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body).message).toMatch(
      /register breakerPlugin .* or pass circuitsHealth\(\{ registry \}\)/,
    );
  });
});
