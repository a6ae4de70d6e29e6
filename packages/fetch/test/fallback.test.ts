// withBreaker(fetch, { fallback }): a refused call is answered with the fallback's Response;
// everything else — a failure, a 5xx, a cancellation — reaches the caller as it would without one.
import { describe, expect, it } from 'vitest';
import {
  BulkheadFullError,
  CircuitOpenError,
  type FetchBreakerOptions,
  isCircuitOpenError,
} from '../src/index.ts';
import { client, rejection, until } from './support/setup.ts';
import { closedPort, held, startUpstream, status } from './support/upstream.ts';

/** A fallback that answers with a cached JSON response, and records what it was given. */
function cachedAnswer(): {
  calls: Array<{ error: unknown; request: Request }>;
  fallback: NonNullable<FetchBreakerOptions['fallback']>;
} {
  const calls: Array<{ error: unknown; request: Request }> = [];
  const cached = Response.json({ stock: 'cached' }, { headers: { 'x-cache': 'fallback' } });
  return {
    calls,
    fallback: (error, request) => {
      calls.push({ error, request });
      return cached.clone();
    },
  };
}

const tripwire = { minimumCalls: 1, failureRateThreshold: 100, openDurationMs: 10_000 };

describe('withBreaker: fallback', () => {
  it('answers a refused call with its Response: the upstream receives nothing', async () => {
    const upstream = await startUpstream(status(500));
    const { calls, fallback } = cachedAnswer();
    const c = client({ ...tripwire, fallback });
    expect((await c.fetch(upstream.url)).status).toBe(500);
    c.now = 4_000;

    for (let i = 0; i < 3; i++) {
      const response = await c.fetch(`${upstream.url}/stock/42?i=${i}`, {
        method: 'POST',
        headers: { 'x-tenant': 'acme' },
        body: 'order',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBe('fallback');
      expect(await response.json()).toEqual({ stock: 'cached' });
    }

    expect(upstream.received).toBe(1);
    expect(calls).toHaveLength(3);
    const [first] = calls;
    expect(first?.error).toBeInstanceOf(CircuitOpenError);
    expect(first?.error).toMatchObject({ breakerName: upstream.url, retryAfterMs: 6_000 });
    expect(first?.request.url).toBe(`${upstream.url}/stock/42?i=0`);
    expect(first?.request.method).toBe('POST');
    expect(first?.request.headers.get('x-tenant')).toBe('acme');
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, rejected: 3 },
    });
  });

  it('answers a full bulkhead, with the BulkheadFullError', async () => {
    const upstream = await startUpstream();
    const answer = held();
    upstream.answer(answer);
    const { calls, fallback } = cachedAnswer();
    const c = client({ bulkhead: { maxConcurrent: 1 }, fallback });
    const first = c.fetch(upstream.url);
    await upstream.arrivals(1);
    expect(await (await c.fetch(upstream.url)).json()).toEqual({ stock: 'cached' });
    expect(calls[0]?.error).toBeInstanceOf(BulkheadFullError);
    answer.release();
    expect((await first).status).toBe(200);
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0 } });
  });

  it('is not asked about a call that failed, nor about a 5xx, which fetch resolves', async () => {
    const { calls, fallback } = cachedAnswer();
    const c = client({ minimumCalls: 10, fallback });
    const nowhere = await closedPort();
    expect(await rejection(c.fetch(nowhere))).toMatchObject({ name: 'TypeError' });
    const upstream = await startUpstream(status(503));
    expect((await c.fetch(upstream.url)).status).toBe(503);
    expect(calls).toHaveLength(0);
    expect(c.breaker(nowhere).stats().totals.failures).toBe(1);
    expect(c.breaker(upstream.url).stats().totals.failures).toBe(1);
  });

  it('rejects the call with what the fallback throws, or rejects with', async () => {
    const upstream = await startUpstream(status(500));
    let answer: (refusal: unknown) => Response | Promise<Response> = () => {
      throw new Error('no cached stock');
    };
    const c = client({ ...tripwire, fallback: (refusal) => answer(refusal) });
    await c.fetch(upstream.url);
    expect(await rejection(c.fetch(upstream.url))).toEqual(new Error('no cached stock'));
    answer = () => Promise.reject(new Error('cache down'));
    expect(await rejection(c.fetch(upstream.url))).toEqual(new Error('cache down'));
    answer = (refusal) => Promise.reject(refusal);
    expect(isCircuitOpenError(await rejection(c.fetch(upstream.url)))).toBe(true);
    expect(upstream.received).toBe(1);
  });

  it('rejects with an InvalidOptionError naming fallback when it answers with no Response', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ ...tripwire, fallback: () => ({ stock: 'cached' }) as never });
    await c.fetch(upstream.url);
    expect(await rejection(c.fetch(upstream.url))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'fallback',
      message: expect.stringContaining('expected a function returning a Response'),
    });
  });

  it('is not asked about a call aborted while it waited for a bulkhead slot', async () => {
    const upstream = await startUpstream();
    const answer = held();
    upstream.answer(answer);
    const { calls, fallback } = cachedAnswer();
    const c = client({ bulkhead: { maxConcurrent: 1, maxQueue: 5 }, fallback });
    const first = c.fetch(upstream.url);
    await upstream.arrivals(1);
    const controller = new AbortController();
    const queued = c.fetch(upstream.url, { signal: controller.signal });
    const breaker = c.breaker(upstream.url);
    await until(() => breaker.stats().bulkhead?.queued === 1);
    controller.abort();
    expect(await rejection(queued)).toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(0);
    answer.release();
    await first;
    expect(breaker.stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
  });

  it('rejects with the abort when the caller aborts while the fallback is still working', async () => {
    const upstream = await startUpstream(status(500));
    let release: (response: Response) => void = () => {};
    let asked!: () => void;
    const askedOnce = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const c = client({
      ...tripwire,
      fallback: () => {
        asked();
        return new Promise<Response>((resolve) => {
          release = resolve;
        });
      },
    });
    await c.fetch(upstream.url);
    const controller = new AbortController();
    const call = c.fetch(upstream.url, { signal: controller.signal });
    await askedOnce;
    controller.abort();
    release(Response.json({ stock: 'late' }));
    expect(await rejection(call)).toMatchObject({ name: 'AbortError' });
  });
});
