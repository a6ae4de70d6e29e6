// One breaker per key: keys are isolated from one another, and untrusted keys (paths) cannot
// grow the middleware's breakers beyond maxKeys.
import type { RegistryHealth } from '@tripswitch/core';
import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { breakerMiddleware, circuitsHealth } from '../src/index.ts';
import { expresses } from './expresses.ts';
import { get, serve } from './serve.ts';

describe.each(expresses)('%s: per-key breakers', (_label, express) => {
  it('opens the circuit of the failing key only', async () => {
    const app = express();
    app.get('/health/circuits', circuitsHealth());
    app.use(
      breakerMiddleware({
        key: (req) => req.path,
        minimumCalls: 2,
        failureRateThreshold: 100,
        clock: { now: () => 0 },
      }),
    );
    let handled = 0;
    app.get('/:service', (req, res) => {
      handled++;
      res.sendStatus(req.params.service === 'broken' ? 500 : 200);
    });
    const url = await serve(app);

    await get(`${url}/broken`);
    await get(`${url}/broken`);
    const refused = await get(`${url}/broken`);
    const served = await get(`${url}/fine`);

    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(refused.body).not.toContain('broken');
    expect(served.status).toBe(200);
    expect(handled).toBe(3);
    const health = JSON.parse((await get(`${url}/health/circuits`)).body) as RegistryHealth;
    expect(health.breakers).toEqual([
      { name: '/broken', state: 'open', failureRate: 100, slowCallRate: 0, calls: 2, rejected: 1 },
      { name: '/fine', state: 'closed', failureRate: 0, slowCallRate: 0, calls: 1, rejected: 0 },
    ]);
  });

  it('keeps at most maxKeys breakers under thousands of distinct paths', async () => {
    const app = express();
    app.get('/health/circuits', circuitsHealth());
    app.use(breakerMiddleware({ key: (req) => `${req.method} ${req.path}`, maxKeys: 50 }));
    app.use((_req, res) => {
      res.send('ok');
    });
    const url = await serve(app);

    const paths = 3_000;
    for (let start = 0; start < paths; start += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => get(`${url}/item/${start + i}`));
      for (const reply of await Promise.all(batch)) expect(reply.status).toBe(200);
    }

    const health = JSON.parse((await get(`${url}/health/circuits`)).body) as RegistryHealth;
    expect(health.breakers).toHaveLength(50);
    const names = health.breakers.map((breaker) => breaker.name);
    // The least recently used went first: the last 50 paths are the ones kept.
    expect(new Set(names)).toEqual(
      new Set(Array.from({ length: 50 }, (_, i) => `GET /item/${paths - 50 + i}`)),
    );
    for (const breaker of health.breakers) expect(breaker).toMatchObject({ calls: 1 });
  });

  it('sends an error from key() to the error handlers, with no breaker and no handler run', async () => {
    const app = express();
    const bug = new Error('key bug');
    app.use(
      breakerMiddleware({
        key: (req) => {
          if (req.path === '/throws') throw bug;
          return '';
        },
      }),
    );
    let handled = 0;
    app.use((_req, res) => {
      handled++;
      res.send('ok');
    });
    const errors: unknown[] = [];
    app.use((error: unknown, _req: unknown, res: Response, _next: unknown) => {
      errors.push(error);
      res.sendStatus(500);
    });
    const url = await serve(app);

    expect((await get(`${url}/throws`)).status).toBe(500);
    expect((await get(`${url}/empty-key`)).status).toBe(500);
    expect(errors[0]).toBe(bug);
    expect(errors[1]).toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'key', value: '' });
    expect(handled).toBe(0);
  });
});
