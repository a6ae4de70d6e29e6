// How each way an attempt can end is judged: the breaker's totals after real requests to a real
// upstream, with got 16 and got 15.
import { getEventListeners } from 'node:events';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { GotOutcome } from '../src/index.ts';
import { client, gots, rejection } from './support/setup.ts';
import { closedPort, deadline, hang, ok, startUpstream, status } from './support/upstream.ts';

describe.each(gots)('$name: what an attempt counts as', ({ got }) => {
  it('a 2xx is a success', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got);
    const body = await c.got(upstream.url).json();
    expect(body).toEqual({ ok: true });
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      calls: 1,
      failures: 0,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it('a 4xx is a success: the caller asked for something wrong, the upstream is fine', async () => {
    const upstream = await startUpstream(status(404));
    const c = client(got);
    const error = await rejection(c.got(upstream.url));
    expect(error).toMatchObject({ name: 'HTTPError', response: { statusCode: 404 } });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0 },
    });
  });

  it.each([500, 502, 503, 429])(
    'a %i is a failure, and the caller gets got’s HTTPError',
    async (code) => {
      const upstream = await startUpstream(status(code));
      const c = client(got);
      const error = await rejection(c.got(upstream.url));
      expect(error).toMatchObject({ name: 'HTTPError', code: 'ERR_NON_2XX_3XX_RESPONSE' });
      expect(c.breaker(upstream.url).stats()).toMatchObject({
        inFlight: 0,
        totals: { successes: 0, failures: 1 },
      });
    },
  );

  it('a 5xx with throwHttpErrors: false is a failure too, though got resolves with it', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, {}, { throwHttpErrors: false });
    const response = await c.got(upstream.url);
    expect(response.statusCode).toBe(500);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1 },
    });
  });

  it('a network error is a failure', async () => {
    const url = await closedPort();
    const c = client(got);
    const error = await rejection(c.got(url));
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(c.breaker(url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('got’s own timeout is a failure', async () => {
    const upstream = await startUpstream(hang);
    // got's deadline is a setTimeout: on fake timers it passes when the test says, once the
    // upstream has the request.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const c = client(got, {}, { timeout: { request: 60_000 } });
    const request = rejection(c.got(upstream.url));
    await upstream.arrivals(1);
    vi.runAllTimers();
    const error = await request;
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('an AbortSignal.timeout() signal is a timeout too: a failure, not a cancellation', async () => {
    const upstream = await startUpstream(hang);
    const c = client(got);
    // Aborted as AbortSignal.timeout() aborts, once the upstream has the request.
    const timeout = new AbortController();
    const signal = timeout.signal;
    const request = rejection(c.got(upstream.url, { signal }));
    await upstream.arrivals(1);
    timeout.abort(deadline());
    const error = await request;
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, ignored: 0 },
    });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('a body cut short is a failure, whatever its status said', async () => {
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      // Destroyed once the headers and the first bytes are out, so the client sees them first.
      response.write('only ten b', () => response.socket?.destroy());
    });
    const c = client(got);
    const error = await rejection(c.got(upstream.url));
    expect(error).toMatchObject({ name: 'ReadError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 1 },
    });
  });

  it('a 2xx whose body does not parse is a success: the upstream answered', async () => {
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
    });
    const c = client(got);
    const error = await rejection(c.got(upstream.url, { responseType: 'json' }));
    expect(error).toMatchObject({ name: 'ParseError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0 },
    });
  });

  it('each redirect is an attempt of its own, on the breaker of its origin', async () => {
    const target = await startUpstream(ok);
    const upstream = await startUpstream((request, response) => {
      const location = request.url === '/hop' ? `${target.url}/landed` : '/hop';
      response.writeHead(302, { location }).end();
    });
    const c = client(got);
    await c.got(`${upstream.url}/start`);
    expect(upstream.paths).toEqual(['/start', '/hop']);
    expect(target.paths).toEqual(['/landed']);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 2, failures: 0 },
    });
    expect(c.breaker(target.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1 },
    });
  });

  it('a redirect to an origin that is down: a success for the first, a failure for the second', async () => {
    const down = await closedPort();
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(302, { location: `${down}/gone` }).end();
    });
    const c = client(got);
    const error = await rejection(c.got(upstream.url));
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0 },
    });
    expect(c.breaker(down).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 1 },
    });
  });
});

describe.each(gots)('$name: isFailure', ({ got }) => {
  it('replaces the status rule, and sees got’s response and error', async () => {
    const upstream = await startUpstream((request, response) => {
      response.writeHead(request.url === '/missing' ? 404 : 500).end();
    });
    const seen: GotOutcome[] = [];
    const c = client(got, {
      isFailure: (outcome) => {
        seen.push(outcome);
        return outcome.response?.statusCode === 404;
      },
    });
    await rejection(c.got(`${upstream.url}/missing`));
    await rejection(c.got(`${upstream.url}/broken`));
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 1 },
    });
    expect(seen).toHaveLength(2);
    // A refused status reaches afterResponse first, before got turns it into an HTTPError.
    expect(seen[0]?.response?.statusCode).toBe(404);
    expect(seen[0]?.error).toBeUndefined();
  });

  it('is asked about network errors with the error and no response', async () => {
    const url = await closedPort();
    const seen: GotOutcome[] = [];
    const c = client(got, {
      isFailure: (outcome) => {
        seen.push(outcome);
        return false;
      },
    });
    await rejection(c.got(url));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.response).toBeUndefined();
    expect(seen[0]?.error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(c.breaker(url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0 },
    });
  });

  it('a predicate that throws counts a failure, and says so', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const upstream = await startUpstream(ok);
    const c = client(got, {
      isFailure: () => {
        throw new Error('bug in isFailure');
      },
    });
    await c.got(upstream.url);
    expect(report).toHaveBeenCalledOnce();
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1 },
    });
  });
});
