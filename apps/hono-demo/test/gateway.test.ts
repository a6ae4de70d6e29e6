import { BreakerRegistry } from '@tripswitch/hono';
import { startUpstream, type Upstream } from 'upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.ts';

let upstream: Upstream;
let now = 0;
// The upstream's deadline in these tests: a bound that only catches a hang.
const registry = () => new BreakerRegistry({ defaults: { clock: { now: () => now } } });

beforeEach(async () => {
  now = 0;
  upstream = await startUpstream();
});
afterEach(async () => {
  await upstream.close();
});

describe('the Hono gateway', () => {
  it('serves items from the upstream', async () => {
    const gateway = createGateway({
      upstreamUrl: upstream.url,
      registry: registry(),
      upstreamTimeoutMs: 60_000,
    });
    const response = await gateway.request('/items/7');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ item: { path: '/items/7' }, via: 'hono' });
    expect(upstream.requestsFrom('hono')).toBe(1);
  });

  it('answers fast 503s without calling a broken upstream once its circuit opens, then recovers', async () => {
    const shared = registry();
    const gateway = createGateway({
      upstreamUrl: upstream.url,
      registry: shared,
      upstreamTimeoutMs: 60_000,
    });
    upstream.setChaos({ outage: true });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await gateway.request(`/items/${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([502, 502, 502, 502, 502]);
    expect(statuses.slice(5)).toEqual([503, 503, 503, 503, 503]);
    expect(upstream.requests).toBe(5);
    const refused = await gateway.request('/items/1');
    const body = await refused.text();
    expect(JSON.parse(body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', retryAfterMs: 1_000 });
    expect(body).not.toContain(upstream.url); // the upstream's breaker is not named to callers
    const health = await gateway.request('/health/circuits');
    expect(health.status).toBe(503);
    expect(shared.get('hono-gateway').state).toBe('closed'); // refusals are not the gateway's failures

    upstream.setChaos({ outage: false });
    now += 1_000; // the first open period is over
    for (let i = 0; i < 3; i++) expect((await gateway.request(`/items/${i}`)).status).toBe(200);
    expect((await gateway.request('/health/circuits')).status).toBe(200);
  });
});
