import type { IncomingMessage } from 'node:http';
import { BreakerRegistry, isInvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { type ControlRequest, controlHeader, dashboardHandler } from '../src/index.ts';
import { EventStreamReader } from './event-stream-reader.ts';
import { send, serve } from './serve.ts';

const marked = { [controlHeader]: '1' };

async function start(authorize: (req: IncomingMessage, control: ControlRequest) => unknown) {
  const registry = new BreakerRegistry();
  registry.get('payments');
  const asked: ControlRequest[] = [];
  const dashboard = dashboardHandler(registry, {
    controls: true,
    authorize: (req, control) => {
      asked.push(control);
      return authorize(req, control) as boolean | Promise<boolean>;
    },
  });
  const { url } = await serve((req, res) => dashboard(req, res));
  const post = (path: string, headers: Record<string, string> = marked) =>
    send(`${url}${path}`, { method: 'POST', headers });
  return { registry, asked, url, post };
}

describe('the control endpoints', () => {
  it('cannot be turned on without authorize', () => {
    let error: unknown;
    try {
      dashboardHandler(new BreakerRegistry(), { controls: true });
    } catch (thrown) {
      error = thrown;
    }
    expect(isInvalidOptionError(error) && error.option).toBe('authorize');
  });

  it('isolate and reset a breaker when authorize says so', async () => {
    const { registry, asked, post } = await start(
      async (req) => req.headers.authorization === 'ops',
    );
    const isolated = await post('/isolate?name=payments', { ...marked, authorization: 'ops' });
    expect(isolated.status).toBe(200);
    expect(isolated.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(isolated.body)).toEqual({
      name: 'payments',
      action: 'isolate',
      state: 'forced-open',
    });
    expect(registry.get('payments').state).toBe('forced-open');

    const reset = await post('/reset?name=payments', { ...marked, authorization: 'ops' });
    expect(JSON.parse(reset.body)).toMatchObject({ action: 'reset', state: 'closed' });
    expect(registry.get('payments').state).toBe('closed');
    expect(asked).toEqual([
      { action: 'isolate', breaker: 'payments' },
      { action: 'reset', breaker: 'payments' },
    ]);
  });

  it('answer 403 when authorize says anything but true, and change nothing', async () => {
    for (const answer of [false, undefined, 'yes', Promise.resolve(1)]) {
      const { registry, post } = await start(() => answer);
      const reply = await post('/isolate?name=payments');
      expect(reply.status).toBe(403);
      expect(registry.get('payments').state).toBe('closed');
    }
  });

  it('refuse a request without the custom header before asking authorize (CSRF)', async () => {
    const { registry, asked, post } = await start(() => true);
    const reply = await post('/isolate?name=payments', {});
    expect(reply.status).toBe(403);
    expect(reply.body).toContain(controlHeader);
    expect(asked).toEqual([]);
    expect(registry.get('payments').state).toBe('closed');
  });

  it('refuse a request a browser marks as cross-site or same-site', async () => {
    const { registry, asked, post } = await start(() => true);
    for (const site of ['cross-site', 'same-site']) {
      const reply = await post('/isolate?name=payments', { ...marked, 'sec-fetch-site': site });
      expect(reply.status).toBe(403);
    }
    expect(asked).toEqual([]);
    expect(registry.get('payments').state).toBe('closed');
    const sameOrigin = await post('/isolate?name=payments', {
      ...marked,
      'sec-fetch-site': 'same-origin',
    });
    expect(sameOrigin.status).toBe(200);
  });

  it('accept only POST', async () => {
    const { registry, url } = await start(() => true);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const reply = await send(`${url}/isolate?name=payments`, { method, headers: marked });
      expect(reply.status).toBe(405);
      expect(reply.headers.get('allow')).toBe('POST');
    }
    expect(registry.get('payments').state).toBe('closed');
  });

  it('answer 404 for an unknown breaker, only once authorized', async () => {
    const allowed = await start(() => true);
    expect((await allowed.post('/isolate?name=nobody')).status).toBe(404);
    expect(allowed.registry.has('nobody')).toBe(false);
    const refused = await start(() => false);
    expect((await refused.post('/isolate?name=nobody')).status).toBe(403);
  });

  it('answer 400 without a name', async () => {
    const { asked, post } = await start(() => true);
    expect((await post('/reset')).status).toBe(400);
    expect((await post('/reset?name=')).status).toBe(400);
    expect(asked).toEqual([]);
  });

  it('answer 500 when authorize throws (node:http has no next)', async () => {
    const { registry, post } = await start(() => {
      throw new Error('session store down');
    });
    const reply = await post('/isolate?name=payments');
    expect(reply.status).toBe(500);
    expect(reply.body).not.toContain('session store');
    expect(registry.get('payments').state).toBe('closed');
  });

  it('find a breaker by any name, decoded from the query', async () => {
    const { registry, asked, post } = await start(() => true);
    const name = 'GET /users/:id?x=<b>&y=%20';
    registry.get(name);
    const reply = await post(`/isolate?name=${encodeURIComponent(name)}`);
    expect(reply.status).toBe(200);
    expect(reply.body).not.toContain('<');
    expect(registry.get(name).state).toBe('forced-open');
    expect(asked).toEqual([{ action: 'isolate', breaker: name }]);
  });

  it('push the new state to open pages at once', async () => {
    const { url, post } = await start(() => true);
    const stream = await EventStreamReader.open(`${url}/events`);
    expect((await stream.snapshot()).breakers[0]?.state).toBe('closed');
    await post('/isolate?name=payments');
    expect((await stream.snapshot()).breakers[0]?.state).toBe('forced-open');
  });
});
