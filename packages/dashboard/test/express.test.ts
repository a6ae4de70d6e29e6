import { BreakerRegistry } from '@tripswitch/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { describe, expect, it } from 'vitest';
import { controlHeader, type DashboardSnapshot, dashboardHandler } from '../src/index.ts';
import { EventStreamReader } from './event-stream-reader.ts';
import { send, serve } from './serve.ts';

describe('the handler in Express', () => {
  async function mounted() {
    const registry = new BreakerRegistry();
    registry.get('payments');
    const errors: unknown[] = [];
    const app = express();
    app.use(
      '/breakers',
      dashboardHandler(registry, {
        controls: true,
        // Typed by the parameter: Express's request, with its helpers.
        authorize: (req: Request) => {
          if (req.get('x-role') === 'broken') throw new Error('session store down');
          return req.get('x-role') === 'ops';
        },
      }),
    );
    app.get('/orders', (_req, res) => {
      res.json({ orders: [] });
    });
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      errors.push(error);
      res.status(502).send('handled by the app');
    });
    const { url } = await serve(app);
    return { registry, errors, url };
  }

  it('serves the page under the mount path, redirecting the bare mount path to it', async () => {
    const { url } = await mounted();
    const bare = await send(`${url}/breakers`);
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('./breakers/');
    const page = await send(new URL(String(bare.headers.get('location')), `${url}/breakers`).href);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('serves the snapshot and the data stream below the mount path', async () => {
    const { url } = await mounted();
    const snapshot = JSON.parse((await send(`${url}/breakers/snapshot`)).body) as DashboardSnapshot;
    expect(snapshot.breakers.map(({ name }) => name)).toEqual(['payments']);
    const stream = await EventStreamReader.open(`${url}/breakers/events`);
    expect((await stream.snapshot()).breakers[0]?.name).toBe('payments');
  });

  it("leaves paths it does not have to the app's next handlers", async () => {
    const { url } = await mounted();
    const unknown = await send(`${url}/breakers/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('Cannot GET /breakers/nope');
    expect((await send(`${url}/orders`)).status).toBe(200);
  });

  it('answers the control paths 404 itself while controls are off, before any catch-all of the app', async () => {
    const registry = new BreakerRegistry();
    registry.get('payments');
    const app = express();
    app.use('/breakers', dashboardHandler(registry));
    // An app that answers every other path (a single-page app's shell, say).
    app.use((_req, res) => {
      res.status(200).send('the app');
    });
    const { url } = await serve(app);
    for (const action of ['isolate', 'reset']) {
      const reply = await send(`${url}/breakers/${action}?name=payments`, {
        method: 'POST',
        headers: { [controlHeader]: '1' },
      });
      expect(reply.status).toBe(404);
      expect(reply.body).toBe('Not found\n');
    }
    expect(registry.get('payments').state).toBe('closed');
    // Paths the dashboard never has still go on to the app.
    expect((await send(`${url}/breakers/nope`)).body).toBe('the app');
  });

  it('runs the controls with Express request helpers in authorize', async () => {
    const { registry, url } = await mounted();
    const post = (role: string) =>
      send(`${url}/breakers/isolate?name=payments`, {
        method: 'POST',
        headers: { [controlHeader]: '1', 'x-role': role },
      });
    expect((await post('guest')).status).toBe(403);
    expect(registry.get('payments').state).toBe('closed');
    expect((await post('ops')).status).toBe(200);
    expect(registry.get('payments').state).toBe('forced-open');
  });

  it("hands an error thrown by authorize to the app's error handler", async () => {
    const { registry, errors, url } = await mounted();
    const reply = await send(`${url}/breakers/reset?name=payments`, {
      method: 'POST',
      headers: { [controlHeader]: '1', 'x-role': 'broken' },
    });
    expect(reply.status).toBe(502);
    expect(reply.body).toBe('handled by the app');
    expect(errors).toEqual([new Error('session store down')]);
    expect(registry.get('payments').state).toBe('closed');
  });

  it('also works unmounted, with basePath', async () => {
    const registry = new BreakerRegistry();
    const app = express();
    app.use(dashboardHandler(registry, { basePath: '/ops/breakers' }));
    app.get('/orders', (_req, res) => {
      res.json({ orders: [] });
    });
    const { url } = await serve(app);
    expect((await send(`${url}/ops/breakers`)).headers.get('location')).toBe('./breakers/');
    expect((await send(`${url}/ops/breakers/`)).status).toBe(200);
    expect((await send(`${url}/ops/breakers/snapshot`)).status).toBe(200);
    expect((await send(`${url}/orders`)).status).toBe(200);
  });
});
