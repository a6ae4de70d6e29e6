// breakerInterceptor() in undici 7 and 8, the circuit as the upstream sees it: what reaches it
// while open and half-open — through undici's fetch, Node's global fetch and undici.request() —,
// Retry-After, which breaker a request belongs to, retries and a bulkhead.
import * as undici8 from 'undici';
import * as undici7 from 'undici7';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  BreakerRegistry,
  BulkheadFullError,
  breakerInterceptor,
  CircuitOpenError,
  isCircuitOpenError,
} from '../src/undici/index.ts';
import { client, rejection, undiciClient, undicis, until } from './support/setup.ts';
import { held, ok, startUpstream, status } from './support/upstream.ts';

describe.each(undicis)('$name: an open circuit', ({ undici }) => {
  it('refuses requests before any byte leaves: the upstream receives nothing', async () => {
    const upstream = await startUpstream(status(500));
    const c = undiciClient(undici, { minimumCalls: 2, openDurationMs: 10_000 });
    expect((await c.fetch(upstream.url)).status).toBe(500);
    expect((await c.request(upstream.url)).statusCode).toBe(500);
    expect(c.breaker(upstream.url).state).toBe('open');
    upstream.answer(ok);
    c.now = 4_000;
    const refusal = {
      code: 'ERR_CIRCUIT_OPEN',
      breakerName: upstream.url,
      reason: 'open',
      retryAfterMs: 6_000,
    };
    // undici.request() rejects with the refusal itself …
    const error = await rejection(c.request(`${upstream.url}/orders`, { method: 'POST' }));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject(refusal);
    // … and fetch, as it does for every error below it, with TypeError('fetch failed', { cause }).
    for (const call of [c.fetch, c.globalFetch]) {
      const failed = await rejection(
        call(`${upstream.url}/orders`, { method: 'POST', body: '{}' }),
      );
      expect(failed).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
      expect(isCircuitOpenError((failed as Error).cause)).toBe(true);
      expect((failed as Error).cause).toMatchObject(refusal);
    }
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { rejected: 3, failures: 2 },
    });
  });

  it.each(['fetch', 'globalFetch', 'request'] as const)(
    'under a burst of 30 concurrent requests in half-open (%s), lets exactly halfOpenMaxCalls through',
    async (how) => {
      const upstream = await startUpstream(status(500));
      const c = undiciClient(undici, {
        minimumCalls: 1,
        openDurationMs: 10_000,
        halfOpenMaxCalls: 3,
      });
      await c[how](upstream.url);
      const answer = held();
      upstream.answer(answer);
      c.now = 10_000;
      const burst = Array.from({ length: 30 }, (_, i) =>
        c[how](`${upstream.url}/burst/${i}`).then(
          () => 'passed',
          (error: Error) => {
            expect(how === 'request' ? error : error.cause).toMatchObject({
              code: 'ERR_CIRCUIT_OPEN',
              reason: 'half-open-full',
            });
            return 'refused';
          },
        ),
      );
      await upstream.arrivals(1 + 3);
      expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'half-open', inFlight: 3 });
      answer.release(ok);
      const outcomes = await Promise.all(burst);
      expect(outcomes.filter((outcome) => outcome === 'passed')).toHaveLength(3);
      expect(upstream.received).toBe(1 + 3);
      expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
    },
  );

  it('a failed trial reopens it, and the next request is refused at once', async () => {
    const upstream = await startUpstream(status(500));
    const c = undiciClient(undici, { minimumCalls: 1, openDurationMs: 1_000 });
    await c.request(upstream.url);
    c.now = 1_000;
    await c.request(upstream.url);
    expect(c.breaker(upstream.url).state).toBe('open');
    expect(await rejection(c.request(upstream.url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });
});

describe.each(undicis)('$name: Retry-After', ({ undici }) => {
  it('a 503 with Retry-After in seconds holds the circuit open at least that long', async () => {
    const upstream = await startUpstream(status(503, { 'retry-after': '120' }));
    const c = undiciClient(undici, { consecutiveFailures: 1, openDurationMs: 1_000 });
    expect((await c.fetch(upstream.url)).status).toBe(503);
    upstream.answer(ok);
    c.now = 60_000;
    expect(await rejection(c.request(upstream.url))).toMatchObject({ retryAfterMs: 60_000 });
    c.now = 120_000;
    expect((await c.fetch(upstream.url)).status).toBe(200);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });

  it('a 429 with an HTTP-date Retry-After holds it open until that date', async () => {
    const upstream = await startUpstream(
      status(429, { 'retry-after': new Date(30_000).toUTCString() }),
    );
    const c = undiciClient(undici, { consecutiveFailures: 1, openDurationMs: 1_000 });
    await c.globalFetch(upstream.url);
    c.now = 29_000;
    expect(await rejection(c.request(upstream.url))).toBeInstanceOf(CircuitOpenError);
    upstream.answer(ok);
    c.now = 30_000;
    await c.globalFetch(upstream.url);
    expect(upstream.received).toBe(2);
  });
});

describe.each(undicis)('$name: which breaker', ({ undici }) => {
  it('one per origin: a failing upstream does not refuse requests to another', async () => {
    const failing = await startUpstream(status(500));
    const healthy = await startUpstream(ok);
    const c = undiciClient(undici, { consecutiveFailures: 1 });
    await c.fetch(`${failing.url}/a`);
    expect(await rejection(c.request(`${failing.url}/b`))).toBeInstanceOf(CircuitOpenError);
    await c.fetch(`${healthy.url}/a`);
    expect(c.breaker(failing.url).state).toBe('open');
    expect(c.breaker(healthy.url).state).toBe('closed');
    expect(healthy.received).toBe(1);
  });

  it('a custom key groups requests as it says, and sees the dispatch options', async () => {
    const first = await startUpstream(status(500));
    const second = await startUpstream(ok);
    const seen: string[] = [];
    const c = undiciClient(undici, {
      consecutiveFailures: 1,
      key: (options) => {
        seen.push(`${options.method} ${options.origin} ${options.path}`);
        return 'everything';
      },
    });
    await c.request(`${first.url}/a?b=c`, { method: 'PUT' });
    const error = await rejection(c.fetch(second.url));
    expect((error as Error).cause).toMatchObject({ breakerName: 'everything' });
    expect(seen).toEqual([`PUT ${first.url} /a?b=c`, `GET ${second.url} /`]);
    expect(second.received).toBe(0);
    expect(c.registry.has(first.url)).toBe(false);
  });

  it('a key that returns undefined sends the request around the breaker', async () => {
    const upstream = await startUpstream(ok);
    const c = undiciClient(undici, {
      key: (options) => (options.path === '/health' ? undefined : 'api'),
    });
    await c.fetch(`${upstream.url}/health`);
    expect(c.registry.size).toBe(0);
    await c.fetch(`${upstream.url}/data`);
    expect(c.breaker('api').stats()).toMatchObject({ inFlight: 0, totals: { successes: 1 } });
  });

  it('a key that throws, or returns no usable name, fails the request unsent', async () => {
    const upstream = await startUpstream(ok);
    const empty = undiciClient(undici, { key: () => '' });
    expect(await rejection(empty.request(upstream.url))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'key',
    });
    const throwing = undiciClient(undici, {
      key: () => {
        throw new Error('key bug');
      },
    });
    expect(await rejection(throwing.fetch(upstream.url))).toMatchObject({
      cause: { message: 'key bug' },
    });
    expect(upstream.received).toBe(0);
  });

  it('a registry shared with withBreaker(fetch): one breaker per origin for both', async () => {
    const upstream = await startUpstream(status(500));
    const registry = new BreakerRegistry();
    const viaUndici = undiciClient(undici, { registry, consecutiveFailures: 1 });
    const viaFetch = client({ registry });
    await viaUndici.request(upstream.url);
    expect(await rejection(viaFetch.fetch(upstream.url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(1);
    expect(registry.get(upstream.url).stats().totals).toMatchObject({ failures: 1, rejected: 1 });
  });
});

describe('a Client composed with the interceptor', () => {
  it('undici 8: is keyed by the client’s origin, which undici 8 gives its interceptors', async () => {
    const upstream = await startUpstream(status(500));
    const registry = new BreakerRegistry();
    const client = new undici8.Client(upstream.url);
    onTestFinished(() => client.destroy());
    const composed = client.compose(breakerInterceptor({ registry, consecutiveFailures: 1 }));
    await (await composed.request({ path: '/a', method: 'GET' })).body.dump();
    expect(await rejection(composed.request({ path: '/b', method: 'GET' }))).toMatchObject({
      breakerName: upstream.url,
    });
    expect(upstream.received).toBe(1);
  });

  it('undici 7: needs a key, since undici 7 gives its interceptors no origin; without one, nothing is sent', async () => {
    const upstream = await startUpstream(ok);
    const registry = new BreakerRegistry();
    const client = new undici7.Client(upstream.url);
    onTestFinished(() => client.destroy());
    const unkeyed = client.compose(breakerInterceptor({ registry }) as never);
    expect(await rejection(unkeyed.request({ path: '/a', method: 'GET' }))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'key',
    });
    expect(upstream.received).toBe(0);
    const keyed = client.compose(
      breakerInterceptor({ registry, key: () => upstream.url }) as never,
    );
    await (await keyed.request({ path: '/b', method: 'GET' })).body.dump();
    expect(registry.get(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1 },
    });
  });
});

describe.each(undicis)('$name: retries of interceptors.retry()', ({ undici }) => {
  const retry = () =>
    undici.interceptors.retry({
      maxRetries: 10,
      minTimeout: 1,
      timeoutFactor: 1,
      statusCodes: [500],
      retryAfter: false,
    });

  it('composed before the breaker: each attempt goes through it, and they stop once it opens', async () => {
    const upstream = await startUpstream(status(500));
    const c = undiciClient(undici, { consecutiveFailures: 3 }, { outer: [retry()] });
    const error = await rejection(c.request(upstream.url));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(3);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'open',
      inFlight: 0,
      totals: { failures: 3, rejected: 1 },
    });
  });
});

describe.each(undicis)('$name: a bulkhead', ({ undici }) => {
  it('refuses a request beyond maxConcurrent with the BulkheadFullError', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = undiciClient(undici, { bulkhead: { maxConcurrent: 1 } });
    const first = c.fetch(upstream.url);
    await upstream.arrivals(1);
    expect(await rejection(c.request(upstream.url))).toBeInstanceOf(BulkheadFullError);
    answer.release();
    await first;
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });

  it('lets a request wait in its queue, and sends it when a slot frees', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = undiciClient(undici, { bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.fetch(upstream.url);
    await upstream.arrivals(1);
    const second = c.globalFetch(upstream.url);
    expect(await rejection(c.request(upstream.url))).toBeInstanceOf(BulkheadFullError);
    expect(c.breaker(upstream.url).stats().bulkhead).toEqual({
      active: 1,
      queued: 1,
      lingering: 0,
    });
    answer.release();
    await Promise.all([first, second]);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
    });
  });

  it('lets an undici.request() whose signal aborts while it waits leave the queue at once', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = undiciClient(undici, { bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.request(upstream.url);
    await upstream.arrivals(1);
    const controller = new AbortController();
    const waiting = c.request(upstream.url, { signal: controller.signal });
    await until(() => c.breaker(upstream.url).stats().bulkhead?.queued === 1);
    controller.abort();
    expect(await rejection(waiting)).toMatchObject({ name: 'AbortError' });
    expect(c.breaker(upstream.url).stats().bulkhead).toEqual({
      active: 1,
      queued: 0,
      lingering: 0,
    });
    answer.release();
    await (await first).body.dump();
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { successes: 1, ignored: 0 },
    });
  });
});
