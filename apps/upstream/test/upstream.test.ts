import { afterEach, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../src/index.ts';

let upstream: Upstream;
afterEach(async () => {
  await upstream.close();
});

// Every request on a connection of its own: fetch's pool would keep one to a closed upstream's
// port, and the next upstream (in the same test, or the next) may be given that port.
const fresh = { connection: 'close' };

async function get(path: string) {
  const response = await fetch(upstream.url + path, { headers: fresh });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as unknown,
  };
}

async function post(path: string, body?: unknown) {
  const response = await fetch(upstream.url + path, {
    method: 'POST',
    headers: { ...fresh, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { error?: string } };
}

describe('upstream', () => {
  it('serves items and counts only service requests', async () => {
    upstream = await startUpstream();
    expect(await get('/items/7')).toMatchObject({
      status: 200,
      body: { path: '/items/7', served: 1 },
    });
    await get('/chaos');
    await fetch(`${upstream.url}/items/8`, { headers: { ...fresh, 'x-client': 'demo' } });
    expect((await get('/stats')).body).toEqual({ requests: 2, byClient: { unnamed: 1, demo: 1 } });
    expect(upstream.requestsFrom('demo')).toBe(1);
    expect(upstream.requestsFrom('nobody')).toBe(0);
  });

  it('goes down and recovers over HTTP', async () => {
    upstream = await startUpstream();
    await post('/chaos/outage');
    const down = await get('/items/1');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeNull();
    await post('/chaos', { retryAfterSeconds: 30 });
    expect((await get('/items/1')).headers.get('retry-after')).toBe('30');
    await post('/chaos/recover');
    expect((await get('/items/1')).status).toBe(200);
  });

  it('fails the given share of requests, the same way for the same seed', async () => {
    const statuses = async () => {
      upstream = await startUpstream({ seed: 7 });
      upstream.setChaos({ failureRate: 0.5 });
      const seen: number[] = [];
      for (let i = 0; i < 40; i++) seen.push((await get('/items/1')).status);
      await upstream.close();
      return seen;
    };
    const first = await statuses();
    const second = await statuses();
    upstream = await startUpstream(); // for afterEach
    expect(first).toEqual(second);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
  });

  it('rejects a bad chaos update with a 400 naming the field', async () => {
    upstream = await startUpstream();
    expect(await post('/chaos', { failureRate: 2 })).toEqual({
      status: 400,
      body: { error: 'failureRate: a number in [0, 1]' },
    });
    expect((await post('/chaos', { latency: 5 })).body.error).toMatch(/unknown field "latency"/);
    expect((await post('/chaos', 'nope')).body.error).toBe('the body is not JSON');
    expect(upstream.chaos.failureRate).toBe(0);
  });
});
