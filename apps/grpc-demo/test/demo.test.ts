// The demo's client and service against a real upstream, on a breaker clock that stands still.
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { startUpstream, type Upstream } from 'upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createInventoryClient,
  type InventoryService,
  startInventoryService,
} from '../src/index.ts';

let upstream: Upstream;
let service: InventoryService;
beforeEach(async () => {
  upstream = await startUpstream();
  // Deadlines and timeouts far beyond any wait here: the outcomes must not depend on how busy
  // the machine is.
  service = await startInventoryService({ upstreamUrl: upstream.url, upstreamTimeoutMs: 60_000 });
});
afterEach(async () => {
  await service.close();
  await upstream.close();
});

describe('the gRPC demo', () => {
  it('answers from the upstream, and stops calling the service once its circuit opens', async () => {
    let now = 0;
    const registry = new BreakerRegistry({ defaults: { clock: { now: () => now } } });
    const client = createInventoryClient({
      address: service.address,
      registry,
      deadlineMs: 60_000,
    });
    expect(await client.getStock('1')).toEqual({ sku: '1', source: upstream.url });
    upstream.setChaos({ outage: true });
    const errors: unknown[] = [];
    for (let i = 0; i < 8; i++) errors.push(await client.getStock('2').catch((e: unknown) => e));
    // One success and four failures (minimumCalls: 5, 80 % failed) opened the circuit; the
    // other four calls were refused, unsent.
    expect(upstream.requestsFrom('grpc')).toBe(5);
    expect(errors.slice(0, 4).map((e) => (e as { code: number }).code)).toEqual([14, 14, 14, 14]);
    expect(errors.slice(4).every((e) => isCircuitOpenError((e as { cause?: unknown }).cause))).toBe(
      true,
    );
    upstream.setChaos({ outage: false });
    now += 1_000;
    expect(await client.getStock('3')).toMatchObject({ sku: '3' });
    client.close();
  });

  it('passes the upstream’s Retry-After on as pushback, which holds the circuit open', async () => {
    let now = 0;
    const registry = new BreakerRegistry({ defaults: { clock: { now: () => now } } });
    const client = createInventoryClient({
      address: service.address,
      registry,
      deadlineMs: 60_000,
    });
    upstream.setChaos({ outage: true, retryAfterSeconds: 30 });
    for (let i = 0; i < 5; i++) await client.getStock('1').catch(() => {});
    // Five failures opened it; their pushback holds it open for 30 s, not the default 1 s.
    expect(registry.get('/shop.Inventory').state).toBe('open');
    upstream.setChaos({ outage: false, retryAfterSeconds: undefined });
    now = 29_999;
    const refused = (await client.getStock('1').catch((e: unknown) => e)) as {
      cause?: unknown;
      metadata: { get(key: string): unknown[] };
    };
    expect(isCircuitOpenError(refused.cause)).toBe(true);
    expect(refused.metadata.get('grpc-retry-pushback-ms')).toEqual(['1']);
    now = 30_000;
    expect(await client.getStock('1')).toMatchObject({ sku: '1' });
    client.close();
  });
});
