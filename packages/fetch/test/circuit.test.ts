// withBreaker(fetch), the circuit as the upstream sees it: what reaches it while open and
// half-open, Retry-After, which breaker a call belongs to, how to go around the breaker, and a
// bulkhead.
import { describe, expect, it } from 'vitest';
import {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isCircuitOpenError,
  withBreaker,
} from '../src/index.ts';
import { client, rejection, until } from './support/setup.ts';
import { held, ok, startUpstream, status } from './support/upstream.ts';

describe('withBreaker: an open circuit', () => {
  it('refuses calls before any byte leaves: the upstream receives nothing', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 2, openDurationMs: 10_000 });
    expect((await c.fetch(upstream.url)).status).toBe(500);
    expect((await c.fetch(`${upstream.url}/again`)).status).toBe(500);
    expect(c.breaker(upstream.url).state).toBe('open');
    upstream.answer(ok);
    c.now = 4_000;
    for (let i = 0; i < 10; i++) {
      const error = await rejection(
        c.fetch(`${upstream.url}/orders`, { method: 'POST', body: JSON.stringify({ i }) }),
      );
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

  it('under a burst of 30 concurrent calls in half-open, lets exactly halfOpenMaxCalls through', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1, openDurationMs: 10_000, halfOpenMaxCalls: 3 });
    await c.fetch(upstream.url);
    const answer = held();
    upstream.answer(answer);
    c.now = 10_000;
    const burst = Array.from({ length: 30 }, (_, i) =>
      c.fetch(`${upstream.url}/burst/${i}`).then(
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

  it('a failed trial reopens it, and the next call is refused at once', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1, openDurationMs: 1_000, halfOpenMaxCalls: 2 });
    await c.fetch(upstream.url);
    c.now = 1_000;
    await c.fetch(upstream.url);
    expect(c.breaker(upstream.url).state).toBe('open');
    expect(await rejection(c.fetch(upstream.url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });
});

describe('withBreaker: Retry-After', () => {
  it('a 503 with Retry-After in seconds holds the circuit open at least that long', async () => {
    const upstream = await startUpstream(status(503, { 'retry-after': '120' }));
    const c = client({ consecutiveFailures: 1, openDurationMs: 1_000 });
    expect((await c.fetch(upstream.url)).status).toBe(503);
    upstream.answer(ok);
    c.now = 60_000;
    const error = await rejection(c.fetch(upstream.url));
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', retryAfterMs: 60_000 });
    expect(upstream.received).toBe(1);
    c.now = 120_000;
    expect((await c.fetch(upstream.url)).status).toBe(200);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });

  it('a 429 with an HTTP-date Retry-After holds it open until that date', async () => {
    const upstream = await startUpstream(
      status(429, { 'retry-after': new Date(30_000).toUTCString() }),
    );
    const c = client({ consecutiveFailures: 1, openDurationMs: 1_000 });
    await c.fetch(upstream.url);
    c.now = 29_000;
    expect(await rejection(c.fetch(upstream.url))).toBeInstanceOf(CircuitOpenError);
    upstream.answer(ok);
    c.now = 30_000;
    await c.fetch(upstream.url);
    expect(upstream.received).toBe(2);
  });

  // Without a clock of the user's, a verdict reads the time only when a 429 or 503 asks to wait:
  // the date must still be read against the real clock then.
  it('an HTTP-date Retry-After is read against the real clock when no clock is given', async () => {
    const date = new Date(Date.now() + 60_000).toUTCString();
    const upstream = await startUpstream(status(429, { 'retry-after': date }));
    const registry = new BreakerRegistry();
    const fetch = withBreaker(globalThis.fetch, {
      registry,
      consecutiveFailures: 1,
      openDurationMs: 1_000,
    });
    expect((await fetch(upstream.url)).status).toBe(429);
    upstream.answer(ok);
    const error = await rejection(fetch(upstream.url));
    // The date has whole seconds: 59-60 s ahead, less what the test took (seconds at most).
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect((error as CircuitOpenError).retryAfterMs).toBeGreaterThan(50_000);
    expect((error as CircuitOpenError).retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(upstream.received).toBe(1);
  });

  it('is cut to maxRetryAfterMs', async () => {
    const upstream = await startUpstream(status(503, { 'retry-after': '3600' }));
    const c = client({ consecutiveFailures: 1, openDurationMs: 1_000, maxRetryAfterMs: 5_000 });
    await c.fetch(upstream.url);
    upstream.answer(ok);
    c.now = 4_999;
    expect(await rejection(c.fetch(upstream.url))).toBeInstanceOf(CircuitOpenError);
    c.now = 5_000;
    await c.fetch(upstream.url);
    expect(upstream.received).toBe(2);
  });
});

describe('withBreaker: which breaker', () => {
  it('one per origin: a failing upstream does not refuse calls to another', async () => {
    const failing = await startUpstream(status(500));
    const healthy = await startUpstream(ok);
    const c = client({ consecutiveFailures: 1 });
    await c.fetch(`${failing.url}/a`);
    expect(await rejection(c.fetch(`${failing.url}/b`))).toBeInstanceOf(CircuitOpenError);
    await c.fetch(`${healthy.url}/a`);
    expect(c.breaker(failing.url).state).toBe('open');
    expect(c.breaker(healthy.url).state).toBe('closed');
    expect(healthy.received).toBe(1);
  });

  it('a URL, a Request or a string: the same origin, the same breaker', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ consecutiveFailures: 3 });
    await c.fetch(`${upstream.url}/string?q=1`);
    await c.fetch(new URL('/url', upstream.url));
    await c.fetch(new Request(`${upstream.url}/request`, { method: 'DELETE' }));
    expect(upstream.paths).toEqual(['/string?q=1', '/url', '/request']);
    expect(c.registry.size).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'open', inFlight: 0 });
  });

  it('a custom key groups calls as it says, and sees the URL, method and headers', async () => {
    const first = await startUpstream(status(500));
    const second = await startUpstream(ok);
    const seen: string[] = [];
    const c = client({
      consecutiveFailures: 1,
      key: (request) => {
        seen.push(`${request.method} ${request.url} ${request.headers.get('x-tenant')}`);
        return 'everything';
      },
    });
    await c.fetch(`${first.url}/a`, { method: 'PUT', headers: { 'x-tenant': 'acme' } });
    const error = await rejection(
      c.fetch(new Request(second.url, { headers: { 'x-tenant': 'b' } })),
    );
    expect(error).toMatchObject({ breakerName: 'everything' });
    expect(seen).toEqual([`PUT ${first.url}/a acme`, `GET ${second.url}/ b`]);
    expect(second.received).toBe(0);
    expect(c.registry.has(first.url)).toBe(false);
  });

  it('a custom key leaves the body to the call: a stream body is sent whole', async () => {
    const bodies: string[] = [];
    const upstream = await startUpstream(async (request, response) => {
      bodies.push(await request.toArray().then((chunks) => Buffer.concat(chunks).toString()));
      ok(request, response);
    });
    const c = client({ key: (request) => `${request.method} ${new URL(request.url).host}` });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    await c.fetch(upstream.url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    await c.fetch(new Request(upstream.url, { method: 'POST', body: 'from a Request' }));
    expect(bodies).toEqual(['streamed', 'from a Request']);
    expect(c.breaker(`POST ${new URL(upstream.url).host}`).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 2 },
    });
  });

  it('a key that returns undefined sends the call around the breaker', async () => {
    const upstream = await startUpstream(ok);
    const c = client({
      key: (request) => (new URL(request.url).pathname === '/health' ? undefined : 'api'),
    });
    await c.fetch(`${upstream.url}/health`);
    expect(c.registry.size).toBe(0);
    await c.fetch(`${upstream.url}/data`);
    expect(c.breaker('api').stats().totals.successes).toBe(1);
  });

  it('a key that returns no usable name rejects the call, naming the option', async () => {
    const upstream = await startUpstream(ok);
    const c = client({ key: () => '' });
    const error = await rejection(c.fetch(upstream.url));
    expect(error).toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'key' });
    expect(upstream.received).toBe(0);
  });

  it('a shared registry shares the breakers between clients', async () => {
    const upstream = await startUpstream(status(500));
    const registry = new BreakerRegistry();
    const a = client({ registry, consecutiveFailures: 1 });
    const b = client({ registry });
    await a.fetch(upstream.url);
    expect(await rejection(b.fetch(upstream.url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(1);
    expect(registry.get(upstream.url).stats().totals).toMatchObject({ failures: 1, rejected: 1 });
  });

  it('{ breaker: false } goes around the breaker: neither refused nor counted, and not passed on', async () => {
    const upstream = await startUpstream(ok);
    const inits: Array<RequestInit | undefined> = [];
    const c = client({}, (input, init) => {
      inits.push(init);
      return globalThis.fetch(input, init);
    });
    await c.fetch(upstream.url);
    c.breaker(upstream.url).isolate();
    expect(await rejection(c.fetch(upstream.url))).toBeInstanceOf(CircuitOpenError);
    const response = await c.fetch(upstream.url, { breaker: false, headers: { 'x-a': '1' } });
    expect(response.status).toBe(200);
    expect(upstream.received).toBe(2);
    expect(inits.at(-1)).toEqual({ headers: { 'x-a': '1' } });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, rejected: 1 },
    });
  });
});

describe('withBreaker: a bulkhead', () => {
  it('refuses a call beyond maxConcurrent with the BulkheadFullError itself', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = client({ bulkhead: { maxConcurrent: 1 } });
    const first = c.fetch(upstream.url);
    await upstream.arrivals(1);
    expect(await rejection(c.fetch(upstream.url))).toBeInstanceOf(BulkheadFullError);
    answer.release();
    await first;
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).inFlight).toBe(0);
  });

  it('lets a call wait in its queue, and sends it when a slot frees', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = client({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.fetch(upstream.url);
    await upstream.arrivals(1);
    const second = c.fetch(upstream.url);
    expect(await rejection(c.fetch(upstream.url))).toBeInstanceOf(BulkheadFullError);
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

  it('lets a call whose signal aborts while it waits leave the queue at once', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = client({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.fetch(upstream.url);
    await upstream.arrivals(1);
    const controller = new AbortController();
    const waiting = c.fetch(upstream.url, { signal: controller.signal });
    await until(() => c.breaker(upstream.url).stats().bulkhead?.queued === 1);
    controller.abort();
    expect(await rejection(waiting)).toMatchObject({ name: 'AbortError' });
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
