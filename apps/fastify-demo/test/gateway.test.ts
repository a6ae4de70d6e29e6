import { BreakerRegistry } from '@tripswitch/core';
import { controlHeader } from '@tripswitch/dashboard';
import type { FastifyInstance } from 'fastify';
import { startUpstream, type Upstream } from 'upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.ts';

let upstream: Upstream;
let gateway: FastifyInstance | undefined;
let base: string;
let now = 0;
const registry = () => new BreakerRegistry({ defaults: { clock: { now: () => now } } });

beforeEach(async () => {
  now = 0;
  upstream = await startUpstream();
});
afterEach(async () => {
  await gateway?.close();
  await upstream.close();
});

async function start(shared = registry()) {
  gateway = await createGateway({ upstreamUrl: upstream.url, registry: shared });
  base = await gateway.listen({ port: 0, host: '127.0.0.1' });
  return shared;
}

describe('the Fastify gateway', () => {
  it('exposes its breakers as Prometheus metrics and on a dashboard', async () => {
    await start();
    await fetch(`${base}/items/1`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('circuit_breaker_state{name="gateway",state="closed"} 1');
    expect(metrics).toMatch(
      new RegExp(`circuit_breaker_calls_total\\{name="${upstream.url}",result="success"\\} 1`),
    );
    const page = await fetch(`${base}/breakers/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const redirect = await fetch(`${base}/breakers`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    const snapshot = (await (await fetch(`${base}/breakers/snapshot`)).json()) as unknown;
    expect(JSON.stringify(snapshot)).toContain(upstream.url);
  });

  it('serves items from the upstream', async () => {
    await start();
    const response = await fetch(`${base}/items/7`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ item: { path: '/items/7' }, via: 'fastify' });
    expect(upstream.requestsFrom('fastify')).toBe(1);
  });

  it('answers fast 503s without calling a broken upstream once its circuit opens, then recovers', async () => {
    const shared = await start();
    upstream.setChaos({ outage: true });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${base}/items/${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([502, 502, 502, 502, 502]);
    expect(statuses.slice(5)).toEqual([503, 503, 503, 503, 503]);
    expect(upstream.requests).toBe(5);
    const refused = await fetch(`${base}/items/11`);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    const health = await fetch(`${base}/health/circuits`);
    expect(health.status).toBe(503);
    expect(shared.get('gateway').state).toBe('closed'); // refusals are not the gateway's failures

    upstream.setChaos({ outage: false });
    now += 1_000; // the first open period is over
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/items/${i}`)).status).toBe(200);
    expect((await fetch(`${base}/health/circuits`)).status).toBe(200);
  });

  it('lets this machine isolate and reset a breaker from the dashboard', async () => {
    const shared = await start();
    const isolate = await fetch(`${base}/breakers/isolate?name=gateway`, {
      method: 'POST',
      headers: { [controlHeader]: '1' },
    });
    expect(isolate.status).toBe(200);
    expect(shared.get('gateway').state).toBe('forced-open');
    expect((await fetch(`${base}/items/1`)).status).toBe(503);
    await fetch(`${base}/breakers/reset?name=gateway`, {
      method: 'POST',
      headers: { [controlHeader]: '1' },
    });
    expect(shared.get('gateway').state).toBe('closed');
  });
});
