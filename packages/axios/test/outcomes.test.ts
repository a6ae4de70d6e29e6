// How each way a request can end is judged, over real sockets with axios's own http adapter.
import axios, { AxiosError, isAxiosError, isCancel } from 'axios';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { client, rejection } from './support/setup.ts';
import { closedPort, deadline, hang, ok, startUpstream, status } from './support/upstream.ts';

describe('what counts', () => {
  it('a 2xx response is a success', async () => {
    const upstream = await startUpstream(ok);
    const { api, breaker } = client();
    const response = await api.get(`${upstream.url}/items`);
    expect(response.data).toEqual({ ok: true });
    expect(upstream.received).toBe(1);
    expect(breaker(upstream.url).stats()).toMatchObject({
      calls: 1,
      failures: 0,
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it.each([500, 502, 503, 504])(
    'a %i response is a failure, and the caller gets axios’s error',
    async (code) => {
      const upstream = await startUpstream(status(code));
      const { api, breaker } = client();
      const error = await rejection(api.get(upstream.url));
      expect(isAxiosError(error) && error.response?.status).toBe(code);
      expect(breaker(upstream.url).stats()).toMatchObject({
        failures: 1,
        inFlight: 0,
        totals: { successes: 0, failures: 1 },
      });
    },
  );

  it.each([400, 401, 404, 409, 422])(
    'a %i response is the caller’s mistake: a success',
    async (code) => {
      const upstream = await startUpstream(status(code));
      const { api, breaker } = client();
      await rejection(api.get(upstream.url));
      expect(breaker(upstream.url).stats()).toMatchObject({
        failures: 0,
        inFlight: 0,
        totals: { successes: 1 },
      });
    },
  );

  it('judges by the status, whatever validateStatus says', async () => {
    const upstream = await startUpstream(status(500));
    const { api, breaker } = client();
    const resolved = await api.get(upstream.url, { validateStatus: () => true });
    expect(resolved.status).toBe(500);
    upstream.answer(status(200));
    await rejection(api.get(upstream.url, { validateStatus: (code) => code === 201 }));
    expect(breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 1 },
    });
  });

  it('a network error (nothing listens on the port) is a failure', async () => {
    const url = await closedPort();
    const { api, breaker } = client();
    const error = await rejection(api.get(url));
    expect(isAxiosError(error) && error.code).toBe('ECONNREFUSED');
    expect(breaker(url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it.each([
    ['ECONNABORTED', {}],
    ['ETIMEDOUT', { transitional: { clarifyTimeoutError: true } }],
  ])('a timeout (%s) is a failure', async (code, config) => {
    const upstream = await startUpstream(hang);
    const { api, breaker } = client();
    // axios's deadline is a setTimeout (the socket's own idle timer, as long, never gets there):
    // on fake timers it passes when the test says, once the upstream has the request.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const request = rejection(api.get(upstream.url, { timeout: 60_000, ...config }));
    await upstream.arrivals(1);
    vi.runAllTimers();
    const error = await request;
    expect(isAxiosError(error) && error.code).toBe(code);
    expect(upstream.received).toBe(1);
    expect(breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, ignored: 0 },
    });
  });

  it('a response cut off mid-body is a failure, though its status was 200', async () => {
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('partial', () => response.destroy());
    });
    const { api, breaker } = client();
    const error = await rejection(api.get(upstream.url));
    expect(isAxiosError(error) && error.response?.status).toBe(200);
    expect(breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 1 },
    });
  });
});

describe('cancellation', () => {
  it('a request its caller aborts is ignored', async () => {
    const upstream = await startUpstream(hang);
    const { api, breaker } = client();
    const controller = new AbortController();
    const request = api.get(upstream.url, { signal: controller.signal });
    await upstream.arrivals(1);
    controller.abort();
    expect(isCancel(await rejection(request))).toBe(true);
    expect(breaker(upstream.url).stats()).toMatchObject({
      calls: 0,
      inFlight: 0,
      totals: { successes: 0, failures: 0, ignored: 1 },
    });
  });

  it('a request aborted by AbortSignal.timeout is a failure: a deadline passed, as in got and fetch', async () => {
    const upstream = await startUpstream(hang);
    const { api, breaker } = client();
    // Aborted as AbortSignal.timeout() aborts, once the upstream has the request.
    const timeout = new AbortController();
    const request = rejection(api.get(upstream.url, { signal: timeout.signal }));
    await upstream.arrivals(1);
    timeout.abort(deadline());
    const error = await request;
    expect(isCancel(error)).toBe(true);
    expect(upstream.received).toBe(1);
    expect(breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, ignored: 0 },
    });
  });

  it('a request cancelled with the deprecated CancelToken is ignored', async () => {
    const upstream = await startUpstream(hang);
    const { api, breaker } = client();
    const source = axios.CancelToken.source();
    const request = api.get(upstream.url, { cancelToken: source.token });
    await upstream.arrivals(1);
    source.cancel('no longer needed');
    expect(isCancel(await rejection(request))).toBe(true);
    expect(breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { ignored: 1 } });
  });

  it('frees a half-open trial slot', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1, openDurationMs: 1_000, halfOpenMaxCalls: 1 });
    await rejection(c.api.get(upstream.url));
    expect(c.breaker(upstream.url).state).toBe('open');
    c.now = 1_000;
    upstream.answer(hang);
    const controller = new AbortController();
    const trial = c.api.get(upstream.url, { signal: controller.signal });
    await upstream.arrivals(2);
    controller.abort();
    await rejection(trial);
    upstream.answer(ok);
    await c.api.get(upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
    expect(upstream.received).toBe(3);
  });
});

describe('Retry-After', () => {
  it('a 503 with Retry-After: 30 holds the circuit open for 30 s', async () => {
    const upstream = await startUpstream(status(503, { 'retry-after': '30' }));
    const c = client({ minimumCalls: 1, openDurationMs: 1_000 });
    await rejection(c.api.get(upstream.url));
    upstream.answer(ok);
    c.now = 1_000; // the open duration alone would let a trial through now
    const refused = await rejection(c.api.get(upstream.url));
    expect(refused).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', retryAfterMs: 29_000 });
    c.now = 29_999;
    await rejection(c.api.get(upstream.url));
    expect(upstream.received).toBe(1);
    c.now = 30_000;
    await expect(c.api.get(upstream.url)).resolves.toMatchObject({ status: 200 });
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });

  it('a 429 is a failure, and its Retry-After is cut to maxRetryAfterMs', async () => {
    const upstream = await startUpstream(status(429, { 'retry-after': '86400' }));
    const c = client({ minimumCalls: 1, openDurationMs: 1_000, maxRetryAfterMs: 60_000 });
    const error = await rejection(c.api.get(upstream.url));
    expect(isAxiosError(error) && error.response?.status).toBe(429);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'open',
      retryAfterMs: 60_000,
      inFlight: 0,
    });
  });

  it('a 429 without Retry-After opens for the open duration only', async () => {
    const upstream = await startUpstream(status(429));
    const c = client({ minimumCalls: 1, openDurationMs: 1_000 });
    await rejection(c.api.get(upstream.url));
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'open', retryAfterMs: 1_000 });
  });

  it('a 500 with Retry-After does not hold the circuit: only 429 and 503 ask to be left alone', async () => {
    const upstream = await startUpstream(status(500, { 'retry-after': '30' }));
    const c = client({ minimumCalls: 1, openDurationMs: 1_000 });
    await rejection(c.api.get(upstream.url));
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'open', retryAfterMs: 1_000 });
  });
});

describe('isFailure', () => {
  it('replaces the status rule, and receives the response and the error', async () => {
    const upstream = await startUpstream(status(404));
    const seen: unknown[] = [];
    const c = client({
      isFailure: ({ response, error }) => {
        seen.push([response?.status, error instanceof AxiosError]);
        return response?.status === 404;
      },
    });
    await rejection(c.api.get(upstream.url));
    upstream.answer(status(500));
    await rejection(c.api.get(upstream.url));
    upstream.answer(ok);
    await c.api.get(upstream.url);
    expect(seen).toEqual([
      [404, true],
      [500, true],
      [200, false],
    ]);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, successes: 2 },
    });
  });

  it('sees a network error without a response', async () => {
    const url = await closedPort();
    const seen: unknown[] = [];
    const c = client({
      isFailure: ({ response, error }) => {
        seen.push([response, isAxiosError(error) && error.code]);
        return false;
      },
    });
    await rejection(c.api.get(url));
    expect(seen).toEqual([[undefined, 'ECONNREFUSED']]);
    expect(c.breaker(url).stats()).toMatchObject({ inFlight: 0, totals: { successes: 1 } });
  });

  it('is not asked about a cancelled request, which stays ignored', async () => {
    const upstream = await startUpstream(hang);
    let asked = 0;
    const c = client({
      isFailure: () => {
        asked++;
        return true;
      },
    });
    const controller = new AbortController();
    const request = c.api.get(upstream.url, { signal: controller.signal });
    await upstream.arrivals(1);
    controller.abort();
    await rejection(request);
    expect(asked).toBe(0);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { ignored: 1 } });
  });

  it('a predicate that throws counts a failure and still settles the permit', async () => {
    const upstream = await startUpstream(ok);
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const c = client({
      isFailure: () => {
        throw new Error('predicate bug');
      },
    });
    await c.api.get(upstream.url);
    expect(report).toHaveBeenCalledOnce();
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });
});

describe('with axios’s fetch adapter', () => {
  it('judges statuses, Retry-After and network errors the same way', async () => {
    const upstream = await startUpstream(status(503, { 'retry-after': '30' }));
    const c = client({ minimumCalls: 1, openDurationMs: 1_000 }, { adapter: 'fetch' });
    await rejection(c.api.get(upstream.url));
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'open',
      retryAfterMs: 30_000,
      inFlight: 0,
    });
    const url = await closedPort();
    const error = await rejection(c.api.get(url));
    expect(isAxiosError(error)).toBe(true);
    expect(c.breaker(url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('ignores a request its caller aborts', async () => {
    const upstream = await startUpstream(hang);
    const c = client({}, { adapter: 'fetch' });
    const controller = new AbortController();
    const request = c.api.get(upstream.url, { signal: controller.signal });
    await upstream.arrivals(1);
    controller.abort();
    expect(isCancel(await rejection(request))).toBe(true);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 0, ignored: 1 },
    });
  });
});
