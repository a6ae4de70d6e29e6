// breakerInterceptor() in undici 7 and 8: how each way a request can end is judged, and that its
// permit settles exactly once on every path — the breaker's totals and inFlight after real
// requests to a real upstream, through undici's fetch, Node's global fetch and undici.request().
import type { Dispatcher } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import type { UndiciOutcome } from '../src/undici/index.ts';
import { deadline, rejection, undiciClient, undicis, until } from './support/setup.ts';
import {
  closedPort,
  endlessBody,
  hang,
  held,
  ok,
  resetMidHeaders,
  startUpstream,
  status,
} from './support/upstream.ts';

const fetches = ['fetch', 'globalFetch'] as const;
const ways = [...fetches, 'request'] as const;

describe.each(undicis)('$name: what a request counts as', ({ undici }) => {
  it.each(ways)('a 2xx is a success (%s)', async (how) => {
    const upstream = await startUpstream(ok);
    const c = undiciClient(undici);
    await c[how](upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      calls: 1,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it('a 4xx is a success: the caller asked for something wrong, the upstream is fine', async () => {
    const upstream = await startUpstream(status(404));
    const c = undiciClient(undici);
    expect((await c.fetch(upstream.url)).status).toBe(404);
    expect((await c.request(upstream.url)).statusCode).toBe(404);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 2, failures: 0 },
    });
  });

  it.each([500, 502, 503, 429])(
    'a %i is a failure, and the caller still gets the response',
    async (code) => {
      const upstream = await startUpstream(status(code));
      const c = undiciClient(undici);
      const failures: unknown[] = [];
      c.registry.on('failure', ({ error }) => failures.push(error));
      expect(await (await c.fetch(upstream.url)).text()).toBe(`status ${code}`);
      expect(await (await c.request(upstream.url)).body.text()).toBe(`status ${code}`);
      expect(c.breaker(upstream.url).stats()).toMatchObject({
        inFlight: 0,
        totals: { successes: 0, failures: 2 },
      });
      expect(failures).toEqual([new Error(`HTTP ${code}`), new Error(`HTTP ${code}`)]);
    },
  );

  it('a refused connection is a failure; the caller gets undici’s own error', async () => {
    const url = await closedPort();
    const c = undiciClient(undici);
    expect(await rejection(c.request(url))).toMatchObject({ code: 'ECONNREFUSED' });
    for (const how of fetches) {
      expect(await rejection(c[how](url))).toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    }
    expect(c.breaker(url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 3 } });
  });

  it.each(ways)(
    'a connection reset before the headers are complete is a failure (%s)',
    async (how) => {
      const upstream = await startUpstream(resetMidHeaders);
      const c = undiciClient(undici);
      await rejection(c[how](upstream.url));
      expect(upstream.received).toBe(1);
      expect(c.breaker(upstream.url).stats()).toMatchObject({
        inFlight: 0,
        totals: { failures: 1 },
      });
    },
  );

  it.each(ways)(
    'a deadline (the TimeoutError of AbortSignal.timeout()) is a failure, not a cancellation (%s)',
    async (how) => {
      const upstream = await startUpstream(hang);
      const c = undiciClient(undici);
      // The deadline passes once the request is at the upstream, not on a timer that races the
      // connection: undici's fetch can abort a request that has not started yet with an
      // AbortError of its own, which no longer says it was a deadline.
      const timeout = new AbortController();
      const call = rejection(c[how](upstream.url, { signal: timeout.signal }));
      await upstream.arrivals(1);
      timeout.abort(deadline());
      expect(await call).toMatchObject({ name: 'TimeoutError' });
      // fetch rejects as the signal aborts; undici tells the interceptor once it has torn the
      // request down, a turn of the event loop later on a busy machine.
      await until(() => c.breaker(upstream.url).inFlight === 0);
      expect(c.breaker(upstream.url).stats()).toMatchObject({
        inFlight: 0,
        totals: { failures: 1, ignored: 0 },
      });
    },
  );

  it('undici’s own headersTimeout is a failure', async () => {
    const upstream = await startUpstream(hang);
    const c = undiciClient(undici);
    const error = await rejection(c.request(upstream.url, { headersTimeout: 50 }));
    expect(error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('a 103 Early Hints is not the response: the request is judged by the one that follows', async () => {
    const upstream = await startUpstream((_request, response) => {
      response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' }, () =>
        status(503)(_request, response),
      );
    });
    const c = undiciClient(undici);
    expect((await c.request(upstream.url)).statusCode).toBe(503);
    expect((await c.fetch(upstream.url)).status).toBe(503);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 2 },
    });
  });

  it('each redirect fetch follows is a request of its own, on the breaker of its origin', async () => {
    const target = await startUpstream(status(500));
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(302, { location: `${target.url}/landed` }).end();
    });
    const c = undiciClient(undici);
    expect((await c.fetch(`${upstream.url}/start`)).status).toBe(500);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1 },
    });
    expect(c.breaker(target.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });
});

describe.each(undicis)('$name: the caller aborts', ({ undici }) => {
  it.each(ways)('before the request: nothing is sent, nothing is counted (%s)', async (how) => {
    const upstream = await startUpstream(ok);
    const c = undiciClient(undici);
    expect(await rejection(c[how](upstream.url, { signal: AbortSignal.abort() }))).toMatchObject({
      name: 'AbortError',
    });
    expect(upstream.received).toBe(0);
    expect(c.registry.size).toBe(0);
  });

  it.each(ways)('while waiting for the response: ignored, not a failure (%s)', async (how) => {
    const upstream = await startUpstream(held());
    const c = undiciClient(undici);
    const controller = new AbortController();
    const call = c[how](upstream.url, { signal: controller.signal });
    await upstream.arrivals(1);
    expect(c.breaker(upstream.url).inFlight).toBe(1);
    controller.abort();
    expect(await rejection(call)).toMatchObject({ name: 'AbortError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1, failures: 0, successes: 0 },
    });
  });

  it('frees a half-open trial slot, so the next trial can run', async () => {
    const upstream = await startUpstream(status(500));
    const c = undiciClient(undici, {
      consecutiveFailures: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    await c.fetch(upstream.url);
    upstream.answer(held());
    c.now = 1_000;
    const controller = new AbortController();
    const trial = c.fetch(upstream.url, { signal: controller.signal });
    await upstream.arrivals(2);
    controller.abort();
    await rejection(trial);
    upstream.answer(ok);
    await c.fetch(upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });

  it('while reading the body: the request was judged when the headers arrived', async () => {
    const upstream = await startUpstream(endlessBody);
    const c = undiciClient(undici);
    const controller = new AbortController();
    const response = await c.fetch(upstream.url, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    expect(await rejection(reader.read())).toMatchObject({ name: 'AbortError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, ignored: 0, failures: 0 },
    });
  });
});

describe.each(undicis)('$name: a body the caller never reads', ({ undici }) => {
  it.each(ways)('holds no permit: judged when the headers arrive (%s)', async (how) => {
    const upstream = await startUpstream(endlessBody);
    const c = undiciClient(undici);
    await c[how](upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1 },
    });
  });

  it('a half-open trial whose body is never read still closes the circuit', async () => {
    const upstream = await startUpstream(status(500));
    const c = undiciClient(undici, {
      consecutiveFailures: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    await c.request(upstream.url);
    upstream.answer(endlessBody);
    c.now = 1_000;
    await c.request(upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
    await c.request(upstream.url);
    expect(upstream.received).toBe(3);
  });
});

type Interceptor = Dispatcher.DispatcherComposeInterceptor;

describe.each(undicis)('$name: neighbouring interceptors', ({ undici }) => {
  // Interceptors must return a dispatch of two parameters: this one takes them and throws.
  const throwingDispatch: Interceptor = () =>
    ((_options: unknown, _handler: unknown) => {
      throw new Error('interceptor bug');
    }) as never;

  it('one closer to the agent throws before sending: the permit is ignored, nothing is sent', async () => {
    const upstream = await startUpstream(ok);
    const c = undiciClient(undici, {}, { inner: [throwingDispatch] });
    expect(await rejection(c.request(upstream.url))).toMatchObject({ message: 'interceptor bug' });
    expect(await rejection(c.fetch(upstream.url))).toMatchObject({
      cause: { message: 'interceptor bug' },
    });
    expect(upstream.received).toBe(0);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 2, failures: 0, successes: 0 },
    });
  });

  it('one closer to the agent fails the request before it starts (as undici’s dns interceptor does): a failure', async () => {
    const upstream = await startUpstream(ok);
    const failing: Interceptor = () =>
      ((_options: unknown, handler: { onResponseError(c: null, e: Error): void }) => {
        handler.onResponseError(
          null,
          Object.assign(new Error('lookup failed'), { code: 'ENOTFOUND' }),
        );
        return true;
      }) as never;
    const c = undiciClient(undici, {}, { inner: [failing] });
    expect(await rejection(c.request(upstream.url))).toMatchObject({ code: 'ENOTFOUND' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('one the request meets first throws: no permit is taken', async () => {
    const upstream = await startUpstream(ok);
    const c = undiciClient(undici, {}, { outer: [throwingDispatch] });
    expect(await rejection(c.request(upstream.url))).toMatchObject({ message: 'interceptor bug' });
    expect(upstream.received).toBe(0);
    expect(c.registry.size).toBe(0);
  });

  it('one the request meets first throws from onResponseStart: the response was judged already', async () => {
    const upstream = await startUpstream(status(500));
    const throwsOnResponse: Interceptor = (dispatch) =>
      ((options: unknown, handler: object) =>
        (dispatch as (o: unknown, h: object) => boolean)(options, {
          onRequestStart: (...args: unknown[]) =>
            (handler as { onRequestStart(...a: unknown[]): void }).onRequestStart(...args),
          onResponseStart() {
            throw new Error('handler bug');
          },
          onResponseData() {},
          onResponseEnd() {},
          onResponseError: (...args: unknown[]) =>
            (handler as { onResponseError(...a: unknown[]): void }).onResponseError(...args),
        })) as never;
    const c = undiciClient(undici, {}, { outer: [throwsOnResponse] });
    expect(await rejection(c.request(upstream.url))).toMatchObject({ message: 'handler bug' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('a handler whose onRequestStart throws: the permit is ignored', async () => {
    const upstream = await startUpstream(ok);
    const c = undiciClient(undici);
    const errors: Error[] = [];
    const done = new Promise<void>((resolve) => {
      c.dispatcher.dispatch(
        { origin: upstream.url, path: '/', method: 'GET' },
        {
          onRequestStart() {
            throw new Error('handler bug');
          },
          onResponseStart() {},
          onResponseData() {},
          onResponseEnd: () => resolve(),
          onResponseError: (_controller, error) => {
            errors.push(error);
            resolve();
          },
        },
      );
    });
    await done;
    expect(errors).toMatchObject([{ message: 'handler bug' }]);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1, failures: 0, successes: 0 },
    });
  });
});

describe.each(undicis)('$name: isFailure', ({ undici }) => {
  it('replaces the status rule, and sees the response or the error', async () => {
    const upstream = await startUpstream(status(404, { 'x-a': '1' }));
    const seen: UndiciOutcome[] = [];
    const c = undiciClient(undici, {
      isFailure: (outcome) => {
        seen.push(outcome);
        return outcome.response?.statusCode === 404 || outcome.error !== undefined;
      },
    });
    await c.request(upstream.url);
    upstream.answer(status(500));
    await c.fetch(upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, successes: 1 },
    });
    expect(seen).toMatchObject([
      { response: { statusCode: 404, headers: { 'x-a': '1' } }, error: undefined },
      { response: { statusCode: 500 }, error: undefined },
    ]);
    const down = await closedPort();
    await rejection(c.request(down));
    expect(seen[2]).toMatchObject({ response: undefined, error: { code: 'ECONNREFUSED' } });
  });

  it('is not asked about a cancelled request: that is always ignored', async () => {
    const upstream = await startUpstream(held());
    const isFailure = vi.fn(() => true);
    const c = undiciClient(undici, { isFailure });
    const controller = new AbortController();
    const call = c.fetch(upstream.url, { signal: controller.signal });
    await upstream.arrivals(1);
    controller.abort();
    await rejection(call);
    expect(isFailure).not.toHaveBeenCalled();
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { ignored: 1 } });
  });

  it('that throws counts a failure, and says so', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const upstream = await startUpstream(ok);
    const c = undiciClient(undici, {
      isFailure: () => {
        throw new Error('predicate bug');
      },
    });
    expect((await c.request(upstream.url)).statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    expect(report).toHaveBeenCalledOnce();
  });

  it('a clock that throws while a request is judged still leaves the permit settled', async () => {
    const upstream = await startUpstream(ok);
    let broken = false;
    const c = undiciClient(undici, {
      clock: {
        now: () => {
          if (broken) throw new Error('clock broke');
          return 0;
        },
      },
      // Reading the key is the last thing before the request is sent: break the clock there.
      key: (options) => {
        broken = true;
        return String(options.origin);
      },
    });
    expect((await c.request(upstream.url)).statusCode).toBe(200);
    broken = false;
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });
});
