// breakerHooks({ fallback }): an attempt the breaker refuses is answered with the fallback's
// response, which got reads as the server's — promise and stream alike; everything else reaches
// the caller as it would without a fallback.
import { once } from 'node:events';
import type { Response } from 'got';
import { describe, expect, it } from 'vitest';
import {
  BulkheadFullError,
  CircuitOpenError,
  type GotBreakerOptions,
  type GotFallbackResponse,
  isCircuitOpenError,
} from '../src/index.ts';
import { client, gots, quickRetries, rejection, until } from './support/setup.ts';
import { held, ok, startUpstream, status } from './support/upstream.ts';

const cached: GotFallbackResponse = {
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'x-cache': 'fallback' },
  body: '{"stock":"cached"}',
};

/** A fallback answering with `cached`, recording what it was given. */
function cachedAnswer(): {
  calls: Array<{ error: unknown; url: string | undefined; method: string }>;
  fallback: NonNullable<GotBreakerOptions['fallback']>;
} {
  const calls: Array<{ error: unknown; url: string | undefined; method: string }> = [];
  return {
    calls,
    fallback: (error, options) => {
      calls.push({ error, url: options.url?.toString(), method: options.method });
      return cached;
    },
  };
}

const tripwire = { minimumCalls: 1, failureRateThreshold: 100, openDurationMs: 10_000 };

describe.each(gots)('$name: fallback', ({ got }) => {
  it('answers a refused request, read by got as a response: the upstream receives nothing', async () => {
    const upstream = await startUpstream(status(500));
    const { calls, fallback } = cachedAnswer();
    const seenByHooks: number[] = [];
    const c = client(
      got,
      { ...tripwire, fallback },
      {
        hooks: {
          afterResponse: [
            (response) => {
              seenByHooks.push(response.statusCode);
              return response;
            },
          ],
        },
      },
    );
    await rejection(c.got(upstream.url));
    c.now = 4_000;

    expect(await c.got.post(`${upstream.url}/stock/42`, { json: { order: 1 } }).json()).toEqual({
      stock: 'cached',
    });
    const response = await c.got(`${upstream.url}/stock/43`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-cache']).toBe('fallback');
    expect(response.body).toBe('{"stock":"cached"}');
    expect(response.url).toBe(`${upstream.url}/stock/43`);

    expect(upstream.received).toBe(1);
    expect(seenByHooks).toEqual([500, 200, 200]);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ url: `${upstream.url}/stock/42`, method: 'POST' });
    expect(calls[0]?.error).toBeInstanceOf(CircuitOpenError);
    expect(calls[0]?.error).toMatchObject({ breakerName: upstream.url, retryAfterMs: 6_000 });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, rejected: 2 },
    });
  });

  it('answers a stream too', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { ...tripwire, fallback: cachedAnswer().fallback });
    await rejection(c.got(upstream.url));
    const stream = c.got.stream(upstream.url);
    const [response] = await once(stream, 'response');
    expect((response as Response).statusCode).toBe(200);
    expect(Buffer.concat(await stream.toArray()).toString()).toBe('{"stock":"cached"}');
    expect(upstream.received).toBe(1);
  });

  it('takes a got Response kept from an earlier request, body and all', async () => {
    const upstream = await startUpstream(ok);
    let kept: Response<unknown> | undefined;
    const c = client(got, {
      consecutiveFailures: 1,
      fallback: (refusal) => kept ?? Promise.reject(refusal),
    });
    kept = await c.got(upstream.url, { responseType: 'json' });
    expect(kept.body).toEqual({ ok: true });
    upstream.answer(status(500));
    await rejection(c.got(upstream.url));
    expect(await c.got(upstream.url).json()).toEqual({ ok: true });
    expect(upstream.received).toBe(2);
  });

  it('answers a full bulkhead, with the BulkheadFullError', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const { calls, fallback } = cachedAnswer();
    const c = client(got, { bulkhead: { maxConcurrent: 1 }, fallback });
    const first = c.got(upstream.url);
    await upstream.arrivals(1);
    expect(await c.got(upstream.url).json()).toEqual({ stock: 'cached' });
    expect(calls[0]?.error).toBeInstanceOf(BulkheadFullError);
    answer.release();
    expect((await first).statusCode).toBe(200);
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0 } });
  });

  it('is not asked about a failed attempt; got retries it, and the refused retry is answered', async () => {
    const upstream = await startUpstream(status(500));
    const { calls, fallback } = cachedAnswer();
    const once = client(got, { ...tripwire, fallback });
    expect(await rejection(once.got(upstream.url))).toMatchObject({ name: 'HTTPError' });
    expect(calls).toHaveLength(0);

    const retrying = client(got, { ...tripwire, fallback }, { retry: quickRetries(2) });
    const response = await retrying.got(upstream.url);
    expect(response.statusCode).toBe(200);
    expect(response.retryCount).toBe(1);
    expect(upstream.received).toBe(2);
    expect(calls).toHaveLength(1);
    expect(isCircuitOpenError(calls[0]?.error)).toBe(true);
  });

  it('goes through got’s pipeline: a 5xx answer is an HTTPError, unless throwHttpErrors is off', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, {
      ...tripwire,
      fallback: () => ({ statusCode: 503, body: 'busy' }),
    });
    await rejection(c.got(upstream.url));
    const error = await rejection(c.got(upstream.url));
    expect(error).toMatchObject({ name: 'HTTPError', response: { statusCode: 503, body: 'busy' } });
    expect((await c.got(upstream.url, { throwHttpErrors: false })).statusCode).toBe(503);
    expect(upstream.received).toBe(1);
  });

  it('fails the request with what the fallback throws, or with an error naming fallback', async () => {
    const upstream = await startUpstream(status(500));
    let answer: () => unknown = () => {
      throw new Error('no cached stock');
    };
    const c = client(got, { ...tripwire, fallback: () => answer() as GotFallbackResponse });
    await rejection(c.got(upstream.url));
    expect(await rejection(c.got(upstream.url))).toEqual(new Error('no cached stock'));
    const [streamError] = await once(c.got.stream(upstream.url), 'error');
    expect(streamError).toEqual(new Error('no cached stock'));
    answer = () => Promise.reject(new Error('cache down'));
    expect(await rejection(c.got(upstream.url))).toEqual(new Error('cache down'));
    answer = () => ({ status: 200 });
    expect(await rejection(c.got(upstream.url))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'fallback',
    });
    // Rethrowing the refusal keeps it.
    answer = () => {
      throw new CircuitOpenError('rethrown', 'open', 1);
    };
    expect(await rejection(c.got(upstream.url))).toMatchObject({ breakerName: 'rethrown' });
    expect(upstream.received).toBe(1);
  });

  it('answers HEAD with the headers and no body', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { ...tripwire, fallback: cachedAnswer().fallback });
    await rejection(c.got(upstream.url));
    const response = await c.got.head(upstream.url);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe('18');
    expect(response.body).toBe('');
  });

  it('is not asked about a request aborted while it waited for a bulkhead slot', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const { calls, fallback } = cachedAnswer();
    const c = client(got, { bulkhead: { maxConcurrent: 1, maxQueue: 1 }, fallback });
    const first = c.got(upstream.url);
    await upstream.arrivals(1);
    const controller = new AbortController();
    const waiting = c.got(upstream.url, { signal: controller.signal });
    await until(() => c.breaker(upstream.url).stats().bulkhead?.queued === 1);
    controller.abort();
    expect(await rejection(waiting)).toMatchObject({ code: 'ERR_ABORTED' });
    expect(calls).toHaveLength(0);
    answer.release();
    await first;
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
    });
  });

  it('fails with the abort when the caller aborts while the fallback is still working', async () => {
    const upstream = await startUpstream(status(500));
    let release: () => void = () => {};
    let asked!: () => void;
    const askedOnce = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const c = client(got, {
      ...tripwire,
      fallback: () => {
        asked();
        return new Promise<GotFallbackResponse>((resolve) => {
          release = () => resolve(cached);
        });
      },
    });
    await rejection(c.got(upstream.url));
    const controller = new AbortController();
    const call = c.got(upstream.url, { signal: controller.signal });
    await askedOnce;
    controller.abort();
    release();
    expect(await rejection(call)).toMatchObject({ code: 'ERR_ABORTED' });
    expect(upstream.received).toBe(1);
  });
});
