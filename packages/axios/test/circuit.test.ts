// The circuit as the upstream sees it: what reaches it while open and half-open, which breaker a
// request belongs to, and how to go around or remove the breakers.
import axios, { isAxiosError } from 'axios';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  attachBreaker,
  BreakerRegistry,
  CircuitOpenError,
  isCircuitOpenError,
} from '../src/index.ts';
import { client, rejection, testAgent } from './support/setup.ts';
import { held, ok, startUpstream, status } from './support/upstream.ts';

describe('an open circuit', () => {
  it('refuses requests before any byte leaves: the upstream receives nothing', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 2, openDurationMs: 10_000 });
    await rejection(c.api.get(upstream.url));
    await rejection(c.api.get(upstream.url));
    expect(c.breaker(upstream.url).state).toBe('open');
    upstream.answer(ok);
    c.now = 4_000;
    for (let i = 0; i < 10; i++) {
      const error = await rejection(c.api.post(`${upstream.url}/orders`, { i }));
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(isCircuitOpenError(error)).toBe(true);
      expect(isAxiosError(error)).toBe(false);
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

  it('under a burst of 50 concurrent requests in half-open, lets exactly halfOpenMaxCalls through', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1, openDurationMs: 10_000, halfOpenMaxCalls: 3 });
    await rejection(c.api.get(upstream.url));
    const answer = held();
    upstream.answer(answer);
    c.now = 10_000;
    let refused = 0;
    let allRefused: () => void = () => {};
    const refusals = new Promise<void>((resolve) => {
      allRefused = resolve;
    });
    const burst = Array.from({ length: 50 }, (_, i) =>
      c.api.get(`${upstream.url}/burst/${i}`).catch((error: unknown) => {
        expect(error).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', reason: 'half-open-full' });
        if (++refused === 47) allRefused();
        return undefined;
      }),
    );
    await Promise.all([upstream.arrivals(1 + 3), refusals]);
    expect(upstream.received).toBe(1 + 3);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'half-open', inFlight: 3 });
    answer.release();
    const results = await Promise.all(burst);
    expect(results.filter((response) => response?.status === 200)).toHaveLength(3);
    expect(upstream.received).toBe(1 + 3);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });

  it('reopens on a failed trial', async () => {
    const upstream = await startUpstream(status(502));
    const c = client({ minimumCalls: 1, openDurationMs: 1_000, halfOpenMaxCalls: 2 });
    await rejection(c.api.get(upstream.url));
    c.now = 1_000;
    await rejection(c.api.get(upstream.url));
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'open', inFlight: 0 });
    expect(await rejection(c.api.get(upstream.url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(2);
  });
});

describe('which breaker', () => {
  it('one per origin: a failing upstream does not affect another', async () => {
    const failing = await startUpstream(status(500));
    const healthy = await startUpstream(ok);
    const c = client({ minimumCalls: 1 });
    await rejection(c.api.get(`${failing.url}/a`));
    await rejection(c.api.get(`${failing.url}/b?x=1`));
    for (let i = 0; i < 3; i++) await c.api.get(`${healthy.url}/ok`);
    expect(c.breaker(failing.url).state).toBe('open');
    expect(c.breaker(healthy.url).stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { successes: 3 },
    });
    expect(failing.received).toBe(1);
    expect(healthy.received).toBe(3);
    expect(c.registry.size).toBe(2);
  });

  it('the origin of the full URL: baseURL and a relative url share one breaker with the absolute URL', async () => {
    const upstream = await startUpstream(ok);
    const c = client({}, { baseURL: `${upstream.url}/api/v1` });
    await c.api.get('/users', { params: { page: 2 } });
    await c.api.get(`${upstream.url}/elsewhere`);
    expect(c.registry.list().map((breaker) => breaker.name)).toEqual([upstream.url]);
    expect(c.breaker(upstream.url).stats().totals.successes).toBe(2);
  });

  it('a URL object for url, which axios sends as it sends the string: refused while its origin is open', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1 });
    // axios's types ask for a string, but its adapters take a URL as well: JavaScript callers pass one.
    const url = new URL(`${upstream.url}/items`) as unknown as string;
    await rejection(c.api.get(url));
    expect(c.breaker(upstream.url).state).toBe('open');
    expect(await rejection(c.api.get(url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(1);
  });

  it('a URL object behind a baseURL, which axios cannot join: around the breaker, not a failure of the base', async () => {
    const upstream = await startUpstream(ok);
    const c = client({ minimumCalls: 1 }, { baseURL: upstream.url });
    await rejection(c.api.get(new URL(`${upstream.url}/items`) as unknown as string));
    expect(upstream.received).toBe(0);
    expect(c.registry.has(upstream.url)).toBe(false);
  });

  it("builds the breaker's adapter once for the instance's default adapters, not per request", async () => {
    // axios copies its default adapter list (an array) into each request's config.
    const upstream = await startUpstream(ok);
    const c = client();
    const first = await c.api.get(upstream.url);
    const second = await c.api.get(upstream.url);
    expect(typeof first.config.adapter).toBe('function');
    expect(second.config.adapter).toBe(first.config.adapter);
  });

  it('a custom key: one breaker per first path segment', async () => {
    const upstream = await startUpstream((request, response) => {
      (request.url?.startsWith('/payments') ? status(500) : ok)(request, response);
    });
    const c = client({
      minimumCalls: 1,
      key: (config) => `${upstream.url} ${config.url?.split('/')[3] ?? ''}`,
    });
    await rejection(c.api.get(`${upstream.url}/payments/1`));
    expect(await rejection(c.api.get(`${upstream.url}/payments/2`))).toBeInstanceOf(
      CircuitOpenError,
    );
    await c.api.get(`${upstream.url}/catalog/1`);
    expect(c.breaker(`${upstream.url} payments`).state).toBe('open');
    expect(c.breaker(`${upstream.url} catalog`).stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
    });
    expect(upstream.received).toBe(2);
  });

  it('a key that gives no usable name rejects the request with InvalidOptionError, sending nothing', async () => {
    const upstream = await startUpstream(ok);
    const c = client({ key: () => '' });
    expect(await rejection(c.api.get(upstream.url))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'key',
    });
    expect(upstream.received).toBe(0);
  });

  it('a shared registry: two instances, one breaker per origin', async () => {
    const upstream = await startUpstream(status(500));
    const registry = new BreakerRegistry();
    const first = axios.create({ httpAgent: testAgent() });
    const second = axios.create({ httpAgent: testAgent() });
    onTestFinished(attachBreaker(first, { registry, minimumCalls: 1 }));
    onTestFinished(attachBreaker(second, { registry }));
    await rejection(first.get(upstream.url));
    expect(await rejection(second.get(upstream.url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(1);
    expect(registry.health()).toMatchObject({
      status: 'degraded',
      breakers: [{ name: upstream.url, state: 'open', rejected: 1 }],
    });
  });
});

describe('going around', () => {
  it('breaker: false sends a request around the breaker, even while open, and does not count it', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1 });
    await rejection(c.api.get(upstream.url));
    upstream.answer(ok);
    await expect(c.api.get(`${upstream.url}/health`, { breaker: false })).resolves.toMatchObject({
      status: 200,
    });
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'open',
      inFlight: 0,
      totals: { successes: 0, failures: 1, rejected: 0 },
    });
  });

  it('a key that returns undefined sends the request around, even while open, and does not count it', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({
      minimumCalls: 1,
      key: (config) => (config.url?.endsWith('/health') ? undefined : upstream.url),
    });
    await rejection(c.api.get(upstream.url));
    expect(await rejection(c.api.get(upstream.url))).toBeInstanceOf(CircuitOpenError);
    upstream.answer(ok);
    await expect(c.api.get(`${upstream.url}/health`)).resolves.toMatchObject({ status: 200 });
    expect(upstream.received).toBe(2);
    expect(c.registry.size).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'open',
      inFlight: 0,
      totals: { successes: 0, failures: 1, rejected: 1 },
    });
  });

  it('breaker: false on the instance defaults sends every request around', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1 }, { breaker: false });
    await rejection(c.api.get(upstream.url));
    await rejection(c.api.get(upstream.url));
    expect(upstream.received).toBe(2);
    expect(c.registry.size).toBe(0);
  });

  it('detach() removes the interceptor: requests are no longer refused or counted', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1 });
    await rejection(c.api.get(upstream.url));
    expect(await rejection(c.api.get(upstream.url))).toBeInstanceOf(CircuitOpenError);
    const handlers = () => c.api.interceptors.request.handlers?.filter(Boolean).length;
    expect(handlers()).toBe(1);
    c.detach();
    c.detach(); // a second call changes nothing
    expect(handlers()).toBe(0);
    upstream.answer(ok);
    await c.api.get(upstream.url);
    await c.api.get(upstream.url);
    expect(upstream.received).toBe(3);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'open',
      inFlight: 0,
      totals: { successes: 0, failures: 1, rejected: 1 },
    });
  });

  it('detach() while a request is in flight: its permit still settles', async () => {
    const upstream = await startUpstream();
    const answer = held();
    upstream.answer(answer);
    const c = client();
    const request = c.api.get(upstream.url);
    await upstream.arrivals(1);
    c.detach();
    answer.release();
    await request;
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1 },
    });
  });
});
