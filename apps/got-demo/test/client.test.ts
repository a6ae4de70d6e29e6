import { globalAgent } from 'node:http';
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { startUpstream, type Upstream } from 'upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUpstreamClient } from '../src/index.ts';

// got's deadline: no request waits that long while the test runs (its own limit catches a
// hang), so the deadline never races the sockets on a busy machine.
const beyondAnyTest = 60_000;

let upstream: Upstream;
beforeEach(async () => {
  upstream = await startUpstream();
});
afterEach(async () => {
  await upstream.close();
  // The demo's got uses Node's global agent, which keeps connections alive. The agent reads that
  // the upstream closed them only turns of the event loop later, and the next test's upstream may
  // get the same port (the system hands a closed port out again now and then): its first request
  // would go out on a dead connection, fail, and spend the retry. A test's connections end with it.
  globalAgent.destroy();
});

describe('the got demo client', () => {
  it('stops calling a broken upstream once its circuit opens', async () => {
    const registry = new BreakerRegistry({ defaults: { clock: { now: () => 0 } } });
    const client = createUpstreamClient({
      upstreamUrl: upstream.url,
      registry,
      timeoutMs: beyondAnyTest,
    });
    expect(await client.get('items/1').json()).toMatchObject({ path: '/items/1' });
    upstream.setChaos({ outage: true });
    const errors: unknown[] = [];
    for (let i = 0; i < 6; i++)
      errors.push(await client.get('items/2').catch((error: unknown) => error));
    // One request succeeded, then 4 more attempts (2 calls and their retries) opened the circuit.
    expect(upstream.requestsFrom('got')).toBe(5);
    expect(errors.slice(2).every(isCircuitOpenError)).toBe(true);
  });

  it('gives an unprotected baseline when asked', async () => {
    const client = createUpstreamClient({
      upstreamUrl: upstream.url,
      breaker: false,
      timeoutMs: beyondAnyTest,
    });
    upstream.setChaos({ outage: true });
    for (let i = 0; i < 6; i++) await client.get('items/2').catch(() => {});
    expect(upstream.requestsFrom('got-baseline')).toBe(12);
  });
});
