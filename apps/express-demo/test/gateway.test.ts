import type { AddressInfo } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { startUpstream, type Upstream } from 'upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.ts';

// axios's deadline: no request waits that long while the test runs (its own limit catches a
// hang), so the deadline never races the sockets on a busy machine.
const beyondAnyTest = 60_000;

let upstream: Upstream;
let gateway: ReturnType<ReturnType<typeof createGateway>['listen']>;
let base: string;
let now = 0;
const registry = () => new BreakerRegistry({ defaults: { clock: { now: () => now } } });

beforeEach(async () => {
  now = 0;
  upstream = await startUpstream();
});
afterEach(async () => {
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
  await upstream.close();
});

async function start(shared = registry()) {
  gateway = createGateway({
    upstreamUrl: upstream.url,
    registry: shared,
    upstreamTimeoutMs: beyondAnyTest,
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => gateway.once('listening', resolve));
  base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  return shared;
}

describe('the gateway', () => {
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
    const snapshot = (await (await fetch(`${base}/breakers/snapshot`)).json()) as unknown;
    expect(JSON.stringify(snapshot)).toContain(upstream.url);
  });

  it('serves items from the upstream', async () => {
    await start();
    const response = await fetch(`${base}/items/7`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ item: { path: '/items/7' }, via: 'gateway' });
  });

  it('answers fast 503s without calling a broken upstream once its circuit opens, then recovers', async () => {
    const shared = await start();
    upstream.setChaos({ outage: true });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${base}/items/${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([502, 502, 502, 502, 502]);
    expect(statuses.slice(5)).toEqual([503, 503, 503, 503, 503]);
    expect(upstream.requests).toBe(5);
    const health = await fetch(`${base}/health/circuits`);
    expect(health.status).toBe(503);
    expect(shared.get('gateway').state).toBe('closed'); // refusals are not the gateway's failures

    upstream.setChaos({ outage: false });
    now += 1_000; // the first open period is over
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/items/${i}`)).status).toBe(200);
    expect((await fetch(`${base}/health/circuits`)).status).toBe(200);
  });
});
