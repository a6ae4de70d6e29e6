import { createServer, globalAgent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { BreakerRegistry, isInvalidOptionError } from '@tripswitch/core';
import { closedPort } from '@tripswitch/test-upstream';
import { startUpstream, type Upstream } from 'upstream';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { createNestDemo, type ItemResponse } from '../src/index.ts';

// The got client's deadline: no request waits that long while the test runs (its own limit
// catches a hang), so the deadline never races the sockets on a busy machine.
const beyondAnyTest = 60_000;

let upstream: Upstream;
let now = 0;
const clock = { now: () => now };

beforeEach(async () => {
  now = 1_000_000;
  upstream = await startUpstream();
});
afterEach(async () => {
  await upstream.close();
  // The demo's got uses Node's global agent, which keeps connections alive and reads that the
  // upstream closed them only turns of the event loop later; should the next test's upstream get
  // the same port (the system hands a closed port out again now and then), its first request
  // would go out on a dead connection. A test's connections end with it.
  globalAgent.destroy();
});

/** The demo, listening on 127.0.0.1, closed when the test ends. */
async function startDemo(upstreamUrl = upstream.url) {
  const app = await createNestDemo({ upstreamUrl, clock, upstreamTimeoutMs: beyondAnyTest });
  onTestFinished(() => app.close());
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    app,
    registry: app.get(BreakerRegistry),
    // A connection per request: fetch's pool would keep connections to this port past the test,
    // and a later test's demo or upstream may be given the same port once the demo closes.
    get: (path: string) => fetch(`${base}${path}`, { headers: { connection: 'close' } }),
  };
}

const fromNest = () => upstream.requestsFrom('nestjs');

async function item(get: (path: string) => Promise<Response>, id: string) {
  const response = await get(`/items/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ItemResponse;
}

function breakerIn(app: INestApplication, name: string) {
  return app.get(BreakerRegistry).get(name);
}

describe('the NestJS demo', () => {
  it('serves items from the upstream, counted there as the nestjs client, and reports healthy', async () => {
    const { get } = await startDemo();
    expect(await item(get, '7')).toEqual({
      item: { path: '/items/7', served: 1 },
      source: 'upstream',
    });
    expect(fromNest()).toBe(1);

    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      info: {
        circuits: {
          status: 'up',
          breakers: expect.arrayContaining([
            expect.objectContaining({ name: 'upstream', state: 'closed' }),
            expect.objectContaining({ name: 'ItemsController.findOne', state: 'closed' }),
          ]),
        },
      },
    });
  });

  it('shows its breakers as OpenTelemetry instruments', async () => {
    const { get } = await startDemo();
    await item(get, '7');
    const metrics = (await (await get('/otel/metrics')).json()) as Array<{
      name: string;
      points: Array<{ attributes: Record<string, unknown>; value: unknown }>;
    }>;
    const calls = metrics.find((m) => m.name === 'circuit_breaker.calls');
    expect(calls?.points).toContainEqual({
      attributes: { 'circuit_breaker.name': 'upstream', 'circuit_breaker.call.result': 'success' },
      value: 1,
    });
    expect(metrics.map((m) => m.name)).toContain('circuit_breaker.state');
  });

  it('serves cached items through an outage, opens the circuit, then closes it on recovery', async () => {
    const { app, get, registry } = await startDemo();
    const breaker = breakerIn(app, 'upstream');
    const transitions: string[] = [];
    registry.on('stateChange', ({ name, to }) => transitions.push(`${name}: ${to}`));
    await item(get, '1');
    expect(fromNest()).toBe(1);

    upstream.setChaos({ outage: true });
    // Failed calls: the fallback serves the last good answer, or a 502 for an item never cached.
    for (let i = 0; i < 3; i++) {
      expect(await item(get, '1')).toEqual({
        item: { path: '/items/1', served: 1 },
        source: 'cache',
      });
    }
    expect(breaker.state).toBe('closed'); // 4 calls: fewer than minimumCalls
    const uncached = await get('/items/2');
    expect(uncached.status).toBe(502);
    expect(fromNest()).toBe(5);
    expect(breaker.state).toBe('open'); // 4 of 5 calls failed
    expect(transitions).toEqual(['upstream: open']);

    // Open: refused without calling the upstream; the cache still answers.
    expect(await item(get, '1')).toMatchObject({ source: 'cache' });
    const refused = await get('/items/2');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('1');
    const problem = await refused.json();
    expect(problem).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(problem).not.toHaveProperty('breaker'); // the public learns no breaker's name
    expect(fromNest()).toBe(5);

    const health = await get('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'error',
      error: {
        circuits: {
          status: 'down',
          breakers: expect.arrayContaining([
            expect.objectContaining({ name: 'upstream', state: 'open' }),
            // Refusals and chosen answers (502, 503) are not the route's own faults.
            expect.objectContaining({ name: 'ItemsController.findOne', state: 'closed' }),
          ]),
        },
      },
    });

    upstream.setChaos({ outage: false });
    now += 1_000; // the first open period is over: three trial calls
    for (const id of ['1', '2', '3']) {
      expect(await item(get, id)).toMatchObject({ source: 'upstream' });
    }
    expect(fromNest()).toBe(8);
    expect(breaker.state).toBe('closed');
    expect(breaker.inFlight).toBe(0);
    expect(breakerIn(app, 'ItemsController.findOne').inFlight).toBe(0);
    expect(transitions).toEqual(['upstream: open', 'upstream: half-open', 'upstream: closed']);
    expect((await get('/health')).status).toBe(200);
    expect(await item(get, '2')).toMatchObject({ source: 'upstream' });
  });

  it('passes an upstream 404 on as the caller’s mistake: not a failure, no fallback', async () => {
    let received = 0;
    const notFound = createServer((_req, res) => {
      received++;
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such item"}');
    });
    await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => notFound.close(() => resolve())));
    const { port } = notFound.address() as AddressInfo;
    const { app, get } = await startDemo(`http://127.0.0.1:${port}`);

    for (let i = 0; i < 6; i++) {
      const response = await get('/items/404');
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'the upstream answered 404' });
    }
    expect(received).toBe(6);
    const { state, calls, totals, inFlight } = breakerIn(app, 'upstream').stats();
    expect({
      state,
      calls,
      ignored: totals.ignored,
      fallbacks: totals.fallbacks,
      inFlight,
    }).toEqual({ state: 'closed', calls: 0, ignored: 6, fallbacks: 0, inFlight: 0 });
  });

  it('counts an unreachable upstream as failures, and opens', async () => {
    const { app, get } = await startDemo(await closedPort(onTestFinished));
    for (let i = 0; i < 5; i++) expect((await get('/items/1')).status).toBe(502);
    expect(breakerIn(app, 'upstream').state).toBe('open');
    expect(breakerIn(app, 'upstream').inFlight).toBe(0);
    expect((await get('/items/1')).status).toBe(503);
    // The 502s and the 503 are answers the app chose, not faults of the route itself.
    const route = breakerIn(app, 'ItemsController.findOne').stats();
    expect({
      state: route.state,
      failures: route.totals.failures,
      ignored: route.totals.ignored,
    }).toEqual({ state: 'closed', failures: 0, ignored: 6 });
  });

  it('guards the route with a breaker of its own', async () => {
    const { app, get } = await startDemo();
    breakerIn(app, 'ItemsController.findOne').isolate();
    const refused = await get('/items/1');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(breakerIn(app, 'ItemsController.findOne').stats().totals.rejected).toBe(1);
    expect(fromNest()).toBe(0);
  });

  it.each([
    ['upstreamUrl', { upstreamUrl: 'ftp://127.0.0.1' }],
    ['upstreamUrl', { upstreamUrl: 'not a url' }],
    ['maxCachedItems', { upstreamUrl: 'http://127.0.0.1:1', maxCachedItems: 0 }],
    ['upstreamTimeoutMs', { upstreamUrl: 'http://127.0.0.1:1', upstreamTimeoutMs: 0.5 }],
  ])('rejects a bad %s, naming it', async (option, options) => {
    const error: unknown = await createNestDemo(options).catch((caught: unknown) => caught);
    expect(isInvalidOptionError(error)).toBe(true);
    expect(error).toMatchObject({ option });
  });
});
