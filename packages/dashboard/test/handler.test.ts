import { BreakerRegistry } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { type DashboardSnapshot, dashboardHandler } from '../src/index.ts';
import { send, serve } from './serve.ts';

const xss = '<img src=x onerror=alert(1)>';

describe('the handler on node:http, under basePath', () => {
  async function start() {
    const registry = new BreakerRegistry();
    const dashboard = dashboardHandler(registry, { basePath: '/ops/breakers' });
    const served = await serve((req, res) => dashboard(req, res));
    return { registry, url: `${served.url}/ops/breakers` };
  }

  it('serves the page, with a CSP that admits only its own inline script and style', async () => {
    const { url } = await start();
    const reply = await send(`${url}/`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('x-frame-options')).toBe('DENY');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const nonce = /script-src 'nonce-([0-9a-f]+)'/.exec(
      reply.headers.get('content-security-policy') ?? '',
    )?.[1];
    expect(nonce).toBeDefined();
    expect(reply.body).toContain(`<script nonce="${nonce}">`);
    expect(reply.body).toContain('new EventSource(');
    // A fresh nonce per response.
    expect((await send(`${url}/`)).headers.get('content-security-policy')).not.toContain(
      String(nonce),
    );
  });

  it('writes no breaker name into the page', async () => {
    const { registry, url } = await start();
    registry.get(xss);
    const { body } = await send(`${url}/`);
    expect(body).not.toContain('<img');
    expect(body).not.toContain('onerror');
  });

  it('redirects the base path to itself with a slash, relatively, keeping the query', async () => {
    const { url } = await start();
    const reply = await send(`${url}?theme=dark`);
    expect(reply.status).toBe(308);
    expect(reply.headers.get('location')).toBe('./breakers/?theme=dark');
    expect(new URL('./breakers/?theme=dark', url).href).toBe(`${url}/?theme=dark`);
  });

  it('answers HEAD without a body, and other methods with 405', async () => {
    const { url } = await start();
    const head = await send(`${url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    for (const path of ['/', '/snapshot']) {
      const reply = await send(`${url}${path}`, { method: 'DELETE' });
      expect(reply.status).toBe(405);
      expect(reply.headers.get('allow')).toBe('GET, HEAD');
    }
    const events = await send(`${url}/events`, { method: 'POST' });
    expect(events.status).toBe(405);
    expect(events.headers.get('allow')).toBe('GET');
  });

  it('serves the snapshot as JSON in which a name cannot read as markup', async () => {
    const { registry, url } = await start();
    registry.get('payments').tryAcquire()?.failure(new Error('down'));
    registry.get(xss);
    const reply = await send(`${url}/snapshot`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.body).not.toContain('<');
    const snapshot = JSON.parse(reply.body) as DashboardSnapshot;
    expect(snapshot.status).toBe('ok');
    expect(snapshot.breakers.map(({ name }) => name)).toEqual([xss, 'payments']);
    expect(snapshot.breakers[1]).toMatchObject({
      state: 'closed',
      failureRate: 100,
      calls: 1,
      callsPerSecond: null,
      totals: { failures: 1 },
    });
  });

  it('answers 404 outside its paths, and for the control paths while controls are off', async () => {
    const { registry, url } = await start();
    registry.get('payments');
    expect((await send(`${url}/nope`)).status).toBe(404);
    expect((await send(`${url.replace('/ops/breakers', '/elsewhere')}/`)).status).toBe(404);
    const control = await send(`${url}/isolate?name=payments`, {
      method: 'POST',
      headers: { 'x-tripswitch-dashboard': '1' },
    });
    expect(control.status).toBe(404);
    expect(registry.get('payments').state).toBe('closed');
  });

  it('owns every path when there is no basePath', async () => {
    const dashboard = dashboardHandler(new BreakerRegistry());
    const served = await serve((req, res) => dashboard(req, res));
    expect((await send(`${served.url}/`)).status).toBe(200);
    expect((await send(`${served.url}/snapshot`)).status).toBe(200);
  });
});
