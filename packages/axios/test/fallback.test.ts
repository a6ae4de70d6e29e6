// `fallback` answers a refused request with an AxiosResponse of its own; everything else — a
// failure, a cancellation — reaches the caller as it would without one.
import {
  type AxiosError,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
  isAxiosError,
  isCancel,
} from 'axios';
import { describe, expect, it } from 'vitest';
import {
  type AxiosBreakerOptions,
  BulkheadFullError,
  CircuitOpenError,
  isCircuitOpenError,
} from '../src/index.ts';
import { client, rejection } from './support/setup.ts';
import { held, ok, startUpstream, status } from './support/upstream.ts';

/** What the fallback was called with. */
interface Call {
  error: unknown;
  config: InternalAxiosRequestConfig;
}

/** A fallback that answers 200 with a JSON body, as text (axios parses it), and records its calls. */
function cachedAnswer(): { calls: Call[]; fallback: NonNullable<AxiosBreakerOptions['fallback']> } {
  const calls: Call[] = [];
  return {
    calls,
    fallback: (error, config) => {
      calls.push({ error, config });
      return {
        data: '{"stock":"cached"}',
        status: 200,
        statusText: 'OK',
        headers: { 'content-type': 'application/json', 'x-cache': 'fallback' },
        config,
      };
    },
  };
}

/** Resolves once `condition` holds, checking once per turn of the event loop: no timer. */
function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (condition()) resolve();
      else setImmediate(check);
    };
    check();
  });
}

const tripwire = { minimumCalls: 1, failureRateThreshold: 100, openDurationMs: 10_000 };

describe('fallback', () => {
  it('answers a refused request: the upstream receives nothing, the caller an AxiosResponse', async () => {
    const upstream = await startUpstream(status(500));
    const { calls, fallback } = cachedAnswer();
    const c = client({ ...tripwire, fallback });
    await rejection(c.api.get(`${upstream.url}/stock/42`));
    expect(c.breaker(upstream.url).state).toBe('open');
    c.now = 4_000;

    const response = await c.api.get(`${upstream.url}/stock/42`, { params: { fresh: 1 } });

    expect(response.status).toBe(200);
    // transformResponse ran: axios parsed the text, as it does a server's.
    expect(response.data).toEqual({ stock: 'cached' });
    expect(response.headers['x-cache']).toBe('fallback');
    expect(upstream.received).toBe(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.error).toBeInstanceOf(CircuitOpenError);
    expect(calls[0]?.error).toMatchObject({ breakerName: upstream.url, retryAfterMs: 6_000 });
    expect(calls[0]?.config).toMatchObject({
      url: `${upstream.url}/stock/42`,
      params: { fresh: 1 },
    });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, rejected: 1, successes: 0 },
    });
  });

  it('runs response interceptors on the answer, as on a server’s', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ ...tripwire, fallback: cachedAnswer().fallback });
    c.api.interceptors.response.use((response) => ({
      ...response,
      data: { wrapped: response.data },
    }));
    await rejection(c.api.get(upstream.url));
    const response = await c.api.get(upstream.url);
    expect(response.data).toEqual({ wrapped: { stock: 'cached' } });
  });

  it('answers a full bulkhead, with the BulkheadFullError', async () => {
    const upstream = await startUpstream();
    const answer = held();
    upstream.answer(answer);
    const { calls, fallback } = cachedAnswer();
    const c = client({ bulkhead: { maxConcurrent: 1 }, fallback });
    const first = c.api.get(upstream.url);
    await upstream.arrivals(1);
    const second = await c.api.get(upstream.url);
    expect(second.data).toEqual({ stock: 'cached' });
    expect(calls[0]?.error).toBeInstanceOf(BulkheadFullError);
    answer.release();
    expect((await first).data).toEqual({ ok: true });
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0 },
      totals: { successes: 1 },
    });
  });

  it('is not asked about a failed request: the caller gets axios’s error, the breaker a failure', async () => {
    const upstream = await startUpstream(status(503));
    const { calls, fallback } = cachedAnswer();
    const c = client({ ...tripwire, fallback });
    const error = await rejection(c.api.get(upstream.url));
    expect(isAxiosError(error) && error.response?.status).toBe(503);
    expect(calls).toHaveLength(0);
    expect(c.breaker(upstream.url).stats().totals).toMatchObject({ failures: 1 });
  });

  it('answers a retry the breaker refuses, once a failure opened the circuit (as with axios-retry)', async () => {
    const upstream = await startUpstream(status(500));
    const { calls, fallback } = cachedAnswer();
    const c = client({ ...tripwire, fallback });
    retryOnce(c.api);
    const response = await c.api.get(upstream.url);
    expect(response.data).toEqual({ stock: 'cached' });
    expect(upstream.received).toBe(1);
    expect(calls).toHaveLength(1);
    expect(isCircuitOpenError(calls[0]?.error)).toBe(true);
  });

  it('rejects the request with what the fallback throws, or rejects with', async () => {
    const upstream = await startUpstream(status(500));
    let answer: () => unknown = () => {
      throw new Error('no cached stock');
    };
    const c = client({ ...tripwire, fallback: () => answer() as AxiosResponse });
    await rejection(c.api.get(upstream.url));
    expect(await rejection(c.api.get(upstream.url))).toEqual(new Error('no cached stock'));
    answer = () => Promise.reject(new Error('cache down'));
    expect(await rejection(c.api.get(upstream.url))).toEqual(new Error('cache down'));
    // Rethrowing the refusal keeps it.
    answer = () => {
      throw new CircuitOpenError('rethrown', 'open', 1);
    };
    expect(await rejection(c.api.get(upstream.url))).toMatchObject({ breakerName: 'rethrown' });
    expect(upstream.received).toBe(1);
  });

  it('rejects with an InvalidOptionError naming fallback when it answers with no response', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ ...tripwire, fallback: () => ({ stock: 'cached' }) as never });
    await rejection(c.api.get(upstream.url));
    const error = await rejection(c.api.get(upstream.url));
    expect(error).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'fallback',
      message: expect.stringContaining('expected a function returning an AxiosResponse'),
    });
  });

  it('is not asked about a request cancelled while it waited for a bulkhead slot', async () => {
    const upstream = await startUpstream();
    const answer = held();
    upstream.answer(answer);
    const { calls, fallback } = cachedAnswer();
    const c = client({ bulkhead: { maxConcurrent: 1, maxQueue: 5 }, fallback });
    const first = c.api.get(`${upstream.url}/first`);
    await upstream.arrivals(1);
    const controller = new AbortController();
    const queued = c.api.get(`${upstream.url}/queued`, { signal: controller.signal });
    const breaker = c.breaker(upstream.url);
    await until(() => breaker.stats().bulkhead?.queued === 1);
    controller.abort();
    expect(isCancel(await rejection(queued))).toBe(true);
    expect(calls).toHaveLength(0);
    answer.release();
    await first;
    expect(breaker.stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0, queued: 0 } });
  });

  it('rejects with CanceledError when the caller aborts while the fallback is still working', async () => {
    const upstream = await startUpstream(status(500));
    let release: (response: AxiosResponse) => void = () => {};
    let asked!: () => void;
    const askedOnce = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const c = client({
      ...tripwire,
      fallback: (_refusal, config) => {
        asked();
        return new Promise<AxiosResponse>((resolve) => {
          release = () =>
            resolve({ data: 'late', status: 200, statusText: 'OK', headers: {}, config });
        });
      },
    });
    await rejection(c.api.get(upstream.url));
    const controller = new AbortController();
    const call = c.api.get(upstream.url, { signal: controller.signal });
    await askedOnce;
    controller.abort();
    release({} as AxiosResponse);
    expect(isCancel(await rejection(call))).toBe(true);
  });

  it('leaves the half-open trial in flight to settle by its own outcome', async () => {
    const upstream = await startUpstream(status(500));
    const { calls, fallback } = cachedAnswer();
    const c = client({ ...tripwire, halfOpenMaxCalls: 1, fallback });
    await rejection(c.api.get(upstream.url));
    const answer = held();
    upstream.answer(answer);
    c.now = 10_000;
    const trial = c.api.get(`${upstream.url}/trial`);
    await upstream.arrivals(2);
    // The one trial slot is taken: the next request is refused, and answered.
    expect((await c.api.get(`${upstream.url}/other`)).data).toEqual({ stock: 'cached' });
    expect(calls[0]?.error).toMatchObject({ reason: 'half-open-full' });
    answer.release(ok);
    expect((await trial).data).toEqual({ ok: true });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 1, successes: 1, rejected: 1 },
    });
    expect(upstream.received).toBe(2);
  });
});

// A response interceptor that sends a failed request again once, as axios-retry does.
function retryOnce(api: AxiosInstance): void {
  api.interceptors.response.use(undefined, (error: AxiosError) => {
    const config = error.config as (InternalAxiosRequestConfig & { retried?: boolean }) | undefined;
    if (config === undefined || config.retried) throw error;
    config.retried = true;
    return api.request(config);
  });
}
