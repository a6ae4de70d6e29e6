// withBreaker(fetch): how each way a call can end is judged, and that its permit settles exactly
// once on every path — the breaker's totals and inFlight after real calls to a real upstream.
import { describe, expect, it, vi } from 'vitest';
import type { FetchOutcome } from '../src/index.ts';
import { client, deadline, rejection } from './support/setup.ts';
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

describe('withBreaker: what a call counts as', () => {
  it('a 2xx is a success, and the caller reads its body as usual', async () => {
    const upstream = await startUpstream(ok);
    const c = client();
    const response = await c.fetch(upstream.url);
    expect(await response.json()).toEqual({ ok: true });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      calls: 1,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it('a 4xx is a success: the caller asked for something wrong, the upstream is fine', async () => {
    const upstream = await startUpstream(status(404));
    const c = client();
    expect((await c.fetch(upstream.url)).status).toBe(404);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0 },
    });
  });

  it.each([500, 502, 503, 429])(
    'a %i is a failure, and the caller still gets the response',
    async (code) => {
      const upstream = await startUpstream(status(code));
      const c = client();
      const failures: unknown[] = [];
      c.registry.on('failure', ({ error }) => failures.push(error));
      const response = await c.fetch(`${upstream.url}/x`);
      expect(response.status).toBe(code);
      expect(await response.text()).toBe(`status ${code}`);
      expect(c.breaker(upstream.url).stats()).toMatchObject({
        inFlight: 0,
        totals: { successes: 0, failures: 1 },
      });
      expect(failures).toEqual([new Error(`HTTP ${code} from ${upstream.url}/x`)]);
    },
  );

  it('a refused connection is a failure; the caller gets fetch’s own error', async () => {
    const url = await closedPort();
    const c = client();
    const error = await rejection(c.fetch(url));
    expect(error).toMatchObject({ name: 'TypeError', cause: { code: 'ECONNREFUSED' } });
    expect(c.breaker(url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('a connection reset before the headers are complete is a failure', async () => {
    const upstream = await startUpstream(resetMidHeaders);
    const c = client();
    const error = await rejection(c.fetch(upstream.url));
    expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('an AbortSignal.timeout() deadline is a failure, not a cancellation', async () => {
    const upstream = await startUpstream(hang);
    const c = client();
    // Aborted as AbortSignal.timeout() aborts, once the upstream has the request.
    const timeout = new AbortController();
    const call = rejection(c.fetch(upstream.url, { signal: timeout.signal }));
    await upstream.arrivals(1);
    timeout.abort(deadline());
    const error = await call;
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, ignored: 0 },
    });
  });

  it('a deadline combined with the caller’s own signal (AbortSignal.any) is a failure too', async () => {
    const upstream = await startUpstream(hang);
    const c = client();
    const timeout = new AbortController();
    const signal = AbortSignal.any([new AbortController().signal, timeout.signal]);
    const call = c.fetch(new Request(upstream.url, { signal }));
    await upstream.arrivals(1);
    timeout.abort(deadline());
    expect(await rejection(call)).toMatchObject({ name: 'TimeoutError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, ignored: 0 },
    });
  });

  it('a redirect is followed by fetch and judged once, by the final response', async () => {
    const target = await startUpstream(status(500));
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(302, { location: `${target.url}/landed` }).end();
    });
    const c = client();
    expect((await c.fetch(`${upstream.url}/start`)).status).toBe(500);
    expect(target.paths).toEqual(['/landed']);
    expect(c.registry.has(target.url)).toBe(false);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 1 },
    });
  });
});

describe('withBreaker: the caller aborts', () => {
  it('before the call: nothing is sent, nothing is counted', async () => {
    const upstream = await startUpstream(ok);
    const c = client();
    const error = await rejection(c.fetch(upstream.url, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ name: 'AbortError' });
    const fromRequest = new Request(upstream.url, { signal: AbortSignal.abort() });
    expect(await rejection(c.fetch(fromRequest))).toMatchObject({ name: 'AbortError' });
    expect(upstream.received).toBe(0);
    expect(c.registry.size).toBe(0);
  });

  it('while waiting for the response: ignored, not a failure', async () => {
    const upstream = await startUpstream(held());
    const c = client();
    const controller = new AbortController();
    const call = c.fetch(upstream.url, { signal: controller.signal });
    await upstream.arrivals(1);
    expect(c.breaker(upstream.url).inFlight).toBe(1);
    controller.abort();
    expect(await rejection(call)).toMatchObject({ name: 'AbortError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1, failures: 0, successes: 0 },
    });
  });

  it('with a reason of its own: ignored too', async () => {
    const upstream = await startUpstream(held());
    const c = client();
    const controller = new AbortController();
    const call = c.fetch(new Request(upstream.url, { signal: controller.signal }));
    await upstream.arrivals(1);
    controller.abort(new Error('user navigated away'));
    expect(await rejection(call)).toMatchObject({ message: 'user navigated away' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { ignored: 1 } });
  });

  it('frees a half-open trial slot, so the next trial can run', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ consecutiveFailures: 1, openDurationMs: 1_000, halfOpenMaxCalls: 1 });
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

  it('while reading the body: the call was judged when the headers arrived', async () => {
    const upstream = await startUpstream(endlessBody);
    const c = client();
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

describe('withBreaker: a body the caller never reads', () => {
  it('holds no permit: the call is judged when the headers arrive', async () => {
    const upstream = await startUpstream(endlessBody);
    const c = client();
    const response = await c.fetch(upstream.url);
    expect(response.status).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1 },
    });
    await response.body?.cancel();
  });

  it('a half-open trial whose body is never read still closes the circuit', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ consecutiveFailures: 1, openDurationMs: 1_000, halfOpenMaxCalls: 1 });
    await c.fetch(upstream.url);
    upstream.answer(endlessBody);
    c.now = 1_000;
    const unread = await c.fetch(upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
    await c.fetch(upstream.url).then((response) => response.body?.cancel());
    expect(upstream.received).toBe(3);
    await unread.body?.cancel();
  });
});

describe('withBreaker: the fetch underneath misbehaves', () => {
  it('rejects with an error of its own: a failure, and the caller gets that error', async () => {
    const upstream = await startUpstream(ok);
    const c = client({}, () => Promise.reject(new Error('wrapped fetch broke')));
    expect(await rejection(c.fetch(upstream.url))).toMatchObject({
      message: 'wrapped fetch broke',
    });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('throws synchronously: the permit settles all the same', async () => {
    const upstream = await startUpstream(ok);
    const c = client({}, () => {
      throw new Error('thrown at once');
    });
    expect(await rejection(c.fetch(upstream.url))).toMatchObject({ message: 'thrown at once' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });
});

describe('withBreaker: isFailure', () => {
  it('replaces the status rule, and sees the response or the error', async () => {
    const upstream = await startUpstream(status(404));
    const seen: FetchOutcome[] = [];
    const c = client({
      isFailure: (outcome) => {
        seen.push(outcome);
        return outcome.response?.status === 404 || outcome.error !== undefined;
      },
    });
    await c.fetch(upstream.url);
    upstream.answer(status(500));
    await c.fetch(upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, successes: 1 },
    });
    expect(seen.map(({ response, error }) => [response?.status, error])).toEqual([
      [404, undefined],
      [500, undefined],
    ]);
    const down = await closedPort();
    await rejection(c.fetch(down));
    expect(seen[2]).toMatchObject({ response: undefined, error: { name: 'TypeError' } });
  });

  it('is not asked about a cancelled call: that is always ignored', async () => {
    const upstream = await startUpstream(held());
    const isFailure = vi.fn(() => true);
    const c = client({ isFailure });
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
    const c = client({
      isFailure: () => {
        throw new Error('predicate bug');
      },
    });
    expect((await c.fetch(upstream.url)).status).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    expect(report).toHaveBeenCalledOnce();
  });

  it('a clock that throws while a call is judged still leaves the permit settled', async () => {
    const upstream = await startUpstream(ok);
    let broken = false;
    const clock = {
      now: () => {
        if (broken) throw new Error('clock broke');
        return 0;
      },
    };
    // The clock breaks once the response is in, while the call is judged.
    const c = client({ clock }, async (input, init) => {
      const response = await globalThis.fetch(input, init);
      broken = true;
      return response;
    });
    expect((await c.fetch(upstream.url)).status).toBe(200);
    broken = false;
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });
});
