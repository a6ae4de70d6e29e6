// The circuit as the upstream sees it: what reaches it while open and half-open, got's retries,
// Retry-After, which breaker a request belongs to, and how to go around the breaker.
import { describe, expect, it } from 'vitest';
import {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isCircuitOpenError,
} from '../src/index.ts';
import { client, gots, quickRetries, rejection, until } from './support/setup.ts';
import { held, ok, startUpstream, status } from './support/upstream.ts';

describe.each(gots)('$name: an open circuit', ({ got }) => {
  it('refuses requests before any byte leaves: the upstream receives nothing', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { minimumCalls: 2, openDurationMs: 10_000 });
    await rejection(c.got(upstream.url));
    await rejection(c.got(upstream.url));
    expect(c.breaker(upstream.url).state).toBe('open');
    upstream.answer(ok);
    c.now = 4_000;
    for (let i = 0; i < 10; i++) {
      const error = await rejection(c.got.post(`${upstream.url}/orders`, { json: { i } }));
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(isCircuitOpenError(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'ERR_CIRCUIT_OPEN',
        breakerName: upstream.url,
        reason: 'open',
        retryAfterMs: 6_000,
      });
    }
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { rejected: 10, failures: 2 },
    });
  });

  it('under a burst of 30 concurrent requests in half-open, lets exactly halfOpenMaxCalls through', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { minimumCalls: 1, openDurationMs: 10_000, halfOpenMaxCalls: 3 });
    await rejection(c.got(upstream.url));
    const answer = held();
    upstream.answer(answer);
    c.now = 10_000;
    const burst = Array.from({ length: 30 }, (_, i) =>
      c.got(`${upstream.url}/burst/${i}`).then(
        () => 'passed',
        (error: unknown) => {
          expect(error).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', reason: 'half-open-full' });
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
  });

  it('a failed trial reopens it, and the next request is refused at once', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { minimumCalls: 1, openDurationMs: 1_000, halfOpenMaxCalls: 2 });
    await rejection(c.got(upstream.url));
    c.now = 1_000;
    await rejection(c.got(upstream.url));
    expect(c.breaker(upstream.url).state).toBe('open');
    const error = await rejection(c.got(upstream.url));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });

  it('refuses the stream API the same way, with the CircuitOpenError itself', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { consecutiveFailures: 1 });
    await rejection(c.got(upstream.url));
    const stream = c.got.stream(upstream.url);
    const error = await new Promise((resolve) => stream.once('error', resolve));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { rejected: 1 } });
  });
});

describe.each(gots)('$name: got’s retries', ({ got }) => {
  it('each attempt takes a permit of its own', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { minimumCalls: 100 }, { retry: quickRetries(2) });
    const error = await rejection(c.got(upstream.url));
    expect(error).toMatchObject({ name: 'HTTPError' });
    expect(upstream.received).toBe(3);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 3 },
    });
  });

  it('a retry that succeeds is a success after the failures before it', async () => {
    let calls = 0;
    const upstream = await startUpstream((request, response) => {
      if (++calls < 3) status(503)(request, response);
      else ok(request, response);
    });
    const c = client(got, { minimumCalls: 100 }, { retry: quickRetries(5) });
    await c.got(upstream.url);
    expect(upstream.received).toBe(3);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 2, successes: 1 },
    });
  });

  it('stop at once when the circuit opens mid-retry: no more network I/O', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { consecutiveFailures: 2 }, { retry: quickRetries(10) });
    const error = await rejection(c.got(upstream.url));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'open',
      inFlight: 0,
      totals: { failures: 2, rejected: 1 },
    });
  });

  it('retries of network errors pass through the breaker too', async () => {
    const upstream = await startUpstream((request) => request.socket.destroy());
    const c = client(got, { consecutiveFailures: 3 }, { retry: quickRetries(10) });
    const error = await rejection(c.got(upstream.url));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(3);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 3 } });
  });
});

describe.each(gots)('$name: Retry-After', ({ got }) => {
  it('a 503 with Retry-After holds the circuit open at least that long', async () => {
    const upstream = await startUpstream(status(503, { 'retry-after': '120' }));
    const c = client(got, { consecutiveFailures: 1, openDurationMs: 1_000 });
    await rejection(c.got(upstream.url));
    upstream.answer(ok);
    c.now = 60_000;
    const error = await rejection(c.got(upstream.url));
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', retryAfterMs: 60_000 });
    expect(upstream.received).toBe(1);
    c.now = 120_000;
    await c.got(upstream.url);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });

  it('a 429 with an HTTP-date Retry-After holds it open until that date', async () => {
    const upstream = await startUpstream(
      status(429, { 'retry-after': new Date(30_000).toUTCString() }),
    );
    const c = client(got, { consecutiveFailures: 1, openDurationMs: 1_000 });
    await rejection(c.got(upstream.url));
    c.now = 29_000;
    expect(await rejection(c.got(upstream.url))).toBeInstanceOf(CircuitOpenError);
    upstream.answer(ok);
    c.now = 30_000;
    await c.got(upstream.url);
    expect(upstream.received).toBe(2);
  });

  it('is cut to maxRetryAfterMs', async () => {
    const upstream = await startUpstream(status(503, { 'retry-after': '3600' }));
    const c = client(got, {
      consecutiveFailures: 1,
      openDurationMs: 1_000,
      maxRetryAfterMs: 5_000,
    });
    await rejection(c.got(upstream.url));
    upstream.answer(ok);
    c.now = 4_999;
    expect(await rejection(c.got(upstream.url))).toBeInstanceOf(CircuitOpenError);
    c.now = 5_000;
    await c.got(upstream.url);
    expect(upstream.received).toBe(2);
  });
});

describe.each(gots)('$name: which breaker', ({ got }) => {
  it('one per origin: a failing upstream does not refuse requests to another', async () => {
    const failing = await startUpstream(status(500));
    const healthy = await startUpstream(ok);
    const c = client(got, { consecutiveFailures: 1 });
    await rejection(c.got(`${failing.url}/a`));
    expect(await rejection(c.got(`${failing.url}/b`))).toBeInstanceOf(CircuitOpenError);
    await c.got(`${healthy.url}/a`);
    expect(c.breaker(failing.url).state).toBe('open');
    expect(c.breaker(healthy.url).state).toBe('closed');
    expect(healthy.received).toBe(1);
  });

  it('prefixUrl requests share the origin’s breaker', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { consecutiveFailures: 2 }, { prefixUrl: `${upstream.url}/api` });
    await rejection(c.got('one'));
    await rejection(c.got('two'));
    expect(upstream.paths).toEqual(['/api/one', '/api/two']);
    expect(c.breaker(upstream.url).state).toBe('open');
  });

  it('a custom key groups requests as it says', async () => {
    const first = await startUpstream(status(500));
    const second = await startUpstream(ok);
    const c = client(got, { consecutiveFailures: 1, key: () => 'everything' });
    await rejection(c.got(first.url));
    expect(await rejection(c.got(second.url))).toMatchObject({ breakerName: 'everything' });
    expect(second.received).toBe(0);
    expect(c.registry.has(first.url)).toBe(false);
  });

  it('a key that returns undefined sends the request around the breaker', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got, {
      key: (options) => (options.url?.pathname === '/health' ? undefined : 'api'),
    });
    await c.got(`${upstream.url}/health`);
    expect(c.registry.size).toBe(0);
    await c.got(`${upstream.url}/data`);
    expect(c.breaker('api').stats().totals.successes).toBe(1);
  });

  it('a key that returns no usable name fails the request, naming the option', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got, { key: () => '' });
    const error = await rejection(c.got(upstream.url));
    expect(error).toMatchObject({ cause: { code: 'ERR_INVALID_OPTION', option: 'key' } });
    expect(upstream.received).toBe(0);
  });

  it('a shared registry shares the breakers between clients', async () => {
    const upstream = await startUpstream(status(500));
    const registry = new BreakerRegistry();
    const a = client(got, { registry, consecutiveFailures: 1 });
    const b = client(got, { registry });
    await rejection(a.got(upstream.url));
    expect(await rejection(b.got(upstream.url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(1);
    expect(registry.get(upstream.url).stats().totals).toMatchObject({ failures: 1, rejected: 1 });
  });

  it('context: { breaker: false } goes around the breaker: neither refused nor counted', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got);
    await c.got(upstream.url);
    c.breaker(upstream.url).isolate();
    expect(await rejection(c.got(upstream.url))).toBeInstanceOf(CircuitOpenError);
    await c.got(upstream.url, { context: { breaker: false } });
    await c.got
      .stream(upstream.url, { context: { breaker: false } })
      .resume()
      .toArray();
    expect(upstream.received).toBe(3);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, rejected: 1 },
    });
  });
});

describe.each(gots)('$name: a bulkhead', ({ got }) => {
  it('refuses a request beyond maxConcurrent with the BulkheadFullError itself', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = client(got, { bulkhead: { maxConcurrent: 1 } });
    const first = c.got(upstream.url);
    await upstream.arrivals(1);
    expect(await rejection(c.got(upstream.url))).toBeInstanceOf(BulkheadFullError);
    answer.release();
    await first;
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });

  it('lets a request wait in its queue, and sends it when a slot frees', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = client(got, { bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.got(upstream.url);
    await upstream.arrivals(1);
    const second = c.got(upstream.url);
    expect(await rejection(c.got(upstream.url))).toBeInstanceOf(BulkheadFullError);
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

  it('lets a request whose signal aborts while it waits leave the queue at once', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = client(got, { bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.got(upstream.url);
    await upstream.arrivals(1);
    const controller = new AbortController();
    const waiting = c.got(upstream.url, { signal: controller.signal });
    await until(() => c.breaker(upstream.url).stats().bulkhead?.queued === 1);
    controller.abort();
    expect(await rejection(waiting)).toMatchObject({ code: 'ERR_ABORTED' });
    expect(c.breaker(upstream.url).stats().bulkhead).toEqual({
      active: 1,
      queued: 0,
      lingering: 0,
    });
    answer.release();
    await first;
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { successes: 1, ignored: 0 },
    });
  });
});
