// breakerInterceptor({ fallback }) in undici 7 and 8: a refused request is answered with the
// fallback's response, delivered as a server's — undici.request() resolves with it, fetch (undici's
// and Node's own) with a Response — and everything else reaches the caller as it would without.
import { describe, expect, it } from 'vitest';
import {
  BulkheadFullError,
  CircuitOpenError,
  type FallbackResponse,
  isCircuitOpenError,
  type UndiciBreakerOptions,
} from '../src/undici/index.ts';
import { rejection, undiciClient, undicis, until } from './support/setup.ts';
import { closedPort, held, startUpstream, status } from './support/upstream.ts';

const cached: FallbackResponse = {
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'x-cache': ['fallback', 'stale'] },
  body: '{"stock":"cached"}',
};

/** A fallback answering with `cached`, recording what it was given. */
function cachedAnswer(): {
  calls: Array<{ error: unknown; path: string | undefined; method: string | undefined }>;
  fallback: NonNullable<UndiciBreakerOptions['fallback']>;
} {
  const calls: Array<{ error: unknown; path: string | undefined; method: string | undefined }> = [];
  return {
    calls,
    fallback: (error, options) => {
      calls.push({ error, path: options.path, method: options.method });
      return cached;
    },
  };
}

const tripwire = { minimumCalls: 1, failureRateThreshold: 100, openDurationMs: 10_000 };

describe.each(undicis)('$name: fallback', ({ undici }) => {
  it('answers a refused request, in each way of sending: the upstream receives nothing', async () => {
    const upstream = await startUpstream(status(500));
    const { calls, fallback } = cachedAnswer();
    const c = undiciClient(undici, { ...tripwire, fallback });
    expect((await c.request(upstream.url)).statusCode).toBe(500);
    c.now = 4_000;

    const { statusCode, headers, body } = await c.request(`${upstream.url}/stock/42`, {
      method: 'POST',
      body: 'order',
    });
    expect(statusCode).toBe(200);
    expect(headers).toMatchObject({ 'x-cache': ['fallback', 'stale'], 'content-length': '18' });
    expect(await body.json()).toEqual({ stock: 'cached' });

    for (const call of [c.fetch, c.globalFetch]) {
      const response = await call(`${upstream.url}/stock/43`);
      expect(response.status).toBe(200);
      expect(response.statusText).toBe('OK');
      // Node 22's own fetch, over undici 7's compatibility wrapper, joins a repeated header
      // without the space (as it does for a server's response): compare the values, not the join.
      expect(response.headers.get('x-cache')?.split(/,\s*/)).toEqual(['fallback', 'stale']);
      expect(await response.json()).toEqual({ stock: 'cached' });
    }

    expect(upstream.received).toBe(1);
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatchObject({ path: '/stock/42', method: 'POST' });
    expect(calls[0]?.error).toBeInstanceOf(CircuitOpenError);
    expect(calls[0]?.error).toMatchObject({ breakerName: upstream.url, retryAfterMs: 6_000 });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, rejected: 3 },
    });
  });

  it('answers a HEAD request with the headers and no body', async () => {
    const upstream = await startUpstream(status(500));
    const c = undiciClient(undici, { ...tripwire, fallback: cachedAnswer().fallback });
    await c.request(upstream.url);
    const { statusCode, headers, body } = await c.request(upstream.url, { method: 'HEAD' });
    expect(statusCode).toBe(200);
    expect(headers['content-length']).toBe('18');
    expect(await body.text()).toBe('');
  });

  it('answers a full bulkhead, with the BulkheadFullError', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const { calls, fallback } = cachedAnswer();
    const c = undiciClient(undici, { bulkhead: { maxConcurrent: 1 }, fallback });
    const first = c.fetch(upstream.url);
    await upstream.arrivals(1);
    expect(await (await c.fetch(upstream.url)).json()).toEqual({ stock: 'cached' });
    expect(calls[0]?.error).toBeInstanceOf(BulkheadFullError);
    answer.release();
    expect((await first).status).toBe(200);
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0 } });
  });

  it('is not asked about a request that failed, nor about a 5xx', async () => {
    const { calls, fallback } = cachedAnswer();
    const c = undiciClient(undici, { minimumCalls: 10, fallback });
    const nowhere = await closedPort();
    expect(await rejection(c.request(nowhere))).toMatchObject({ code: 'ECONNREFUSED' });
    const upstream = await startUpstream(status(503));
    expect((await c.request(upstream.url)).statusCode).toBe(503);
    expect(calls).toHaveLength(0);
    expect(c.breaker(nowhere).stats().totals.failures).toBe(1);
    expect(c.breaker(upstream.url).stats().totals.failures).toBe(1);
  });

  it('answers the retry it refuses, once failures opened the circuit (inside interceptors.retry())', async () => {
    const upstream = await startUpstream(status(500));
    const { calls, fallback } = cachedAnswer();
    const retry = undici.interceptors.retry({
      maxRetries: 10,
      minTimeout: 1,
      timeoutFactor: 1,
      statusCodes: [500],
      retryAfter: false,
    });
    const c = undiciClient(undici, { consecutiveFailures: 2, fallback }, { outer: [retry] });
    const { statusCode, body } = await c.request(upstream.url);
    expect(statusCode).toBe(200);
    expect(await body.json()).toEqual({ stock: 'cached' });
    expect(upstream.received).toBe(2);
    expect(calls).toHaveLength(1);
    expect(isCircuitOpenError(calls[0]?.error)).toBe(true);
  });

  it('fails the request with what the fallback throws, or with an error naming fallback', async () => {
    const upstream = await startUpstream(status(500));
    let answer: () => unknown = () => {
      throw new Error('no cached stock');
    };
    const c = undiciClient(undici, {
      ...tripwire,
      fallback: () => answer() as FallbackResponse,
    });
    await c.request(upstream.url);
    expect(await rejection(c.request(upstream.url))).toEqual(new Error('no cached stock'));
    const failed = await rejection(c.fetch(upstream.url));
    expect((failed as Error).cause).toEqual(new Error('no cached stock'));
    answer = () => Promise.reject(new Error('cache down'));
    expect(await rejection(c.request(upstream.url))).toEqual(new Error('cache down'));
    answer = () => ({ status: 200 });
    expect(await rejection(c.request(upstream.url))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'fallback',
    });
    expect(upstream.received).toBe(1);
  });

  it('is not asked about a request aborted while it waited for a bulkhead slot', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const { calls, fallback } = cachedAnswer();
    const c = undiciClient(undici, { bulkhead: { maxConcurrent: 1, maxQueue: 1 }, fallback });
    const first = c.request(upstream.url);
    await upstream.arrivals(1);
    const controller = new AbortController();
    const queued = c.request(upstream.url, { signal: controller.signal });
    await until(() => c.breaker(upstream.url).stats().bulkhead?.queued === 1);
    controller.abort();
    expect(await rejection(queued)).toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(0);
    answer.release();
    await (await first).body.text();
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
    });
  });

  it('lets the caller abort a fallback response’s body, and a slow reader pause it', async () => {
    const upstream = await startUpstream(status(500));
    const big = new Uint8Array(1024 * 1024).fill(120);
    const c = undiciClient(undici, {
      ...tripwire,
      fallback: () => ({ statusCode: 200, body: big }),
    });
    await c.request(upstream.url);
    // Read slowly, chunk by chunk: every byte arrives, and the end after them.
    const { body } = await c.request(upstream.url, { highWaterMark: 1024 });
    let read = 0;
    for await (const chunk of body) read += (chunk as Buffer).byteLength;
    expect(read).toBe(big.byteLength);
    // Aborted once the response started: the body fails with the abort, nothing is left hanging.
    const controller = new AbortController();
    const response = await c.fetch(upstream.url, { signal: controller.signal });
    controller.abort();
    expect(await rejection(response.arrayBuffer())).toMatchObject({ name: 'AbortError' });
  });

  it.each(['fetch', 'request'] as const)(
    'fails with the abort when the caller aborts while the fallback is still working (%s)',
    async (how) => {
      const upstream = await startUpstream(status(500));
      let release: (response: FallbackResponse) => void = () => {};
      let asked!: () => void;
      const askedOnce = new Promise<void>((resolve) => {
        asked = resolve;
      });
      const c = undiciClient(undici, {
        ...tripwire,
        fallback: () => {
          asked();
          return new Promise<FallbackResponse>((resolve) => {
            release = resolve;
          });
        },
      });
      await (await c.request(upstream.url)).body.text();
      const controller = new AbortController();
      const call = c[how](upstream.url, { signal: controller.signal });
      await askedOnce;
      controller.abort();
      release(cached);
      expect(await rejection(call)).toMatchObject({ name: 'AbortError' });
      expect(upstream.received).toBe(1);
    },
  );
});
