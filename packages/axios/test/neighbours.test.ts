// Permits settle whatever the interceptors around ours do, and whatever happens in the bulkhead.
import axios, {
  type AxiosError,
  type AxiosInstance,
  type InternalAxiosRequestConfig,
  isCancel,
} from 'axios';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  attachBreaker,
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isBulkheadFullError,
} from '../src/index.ts';
import { queuedBehindHeld } from './support/queued.ts';
import { client, rejection, testAgent } from './support/setup.ts';
import { held, ok, startUpstream, status, until } from './support/upstream.ts';

const interceptorBug = new Error('interceptor bug');

const throwing = {
  synchronously: (): InternalAxiosRequestConfig => {
    throw interceptorBug;
  },
  asynchronously: async (): Promise<InternalAxiosRequestConfig> => {
    throw interceptorBug;
  },
};

describe('a request interceptor that throws', () => {
  describe.each(Object.entries(throwing))('%s', (_how, interceptor) => {
    it('registered before attachBreaker: no request, no permit', async () => {
      const upstream = await startUpstream(ok);
      const api = axios.create({ httpAgent: testAgent() });
      api.interceptors.request.use(interceptor);
      const registry = new BreakerRegistry();
      onTestFinished(attachBreaker(api, { registry }));
      expect(await rejection(api.get(upstream.url))).toBe(interceptorBug);
      expect(upstream.received).toBe(0);
      // The breaker was never asked: no permit was taken, so none can be left unsettled.
      expect(registry.has(upstream.url)).toBe(false);
    });

    it('registered after attachBreaker: no request, no permit', async () => {
      const upstream = await startUpstream(ok);
      const c = client();
      c.api.interceptors.request.use(interceptor);
      expect(await rejection(c.api.get(upstream.url))).toBe(interceptorBug);
      expect(upstream.received).toBe(0);
      expect(c.registry.has(upstream.url)).toBe(false);
    });
  });

  it('takes no half-open trial slot, from either side of ours', async () => {
    const upstream = await startUpstream(status(500));
    let throwing: 'before' | 'after' | undefined;
    const maybeThrow = (side: 'before' | 'after') => (config: InternalAxiosRequestConfig) => {
      if (throwing === side) throw interceptorBug;
      return config;
    };
    const api = axios.create({ httpAgent: testAgent() });
    api.interceptors.request.use(maybeThrow('before'));
    const registry = new BreakerRegistry();
    let now = 0;
    onTestFinished(
      attachBreaker(api, {
        registry,
        clock: { now: () => now },
        minimumCalls: 1,
        openDurationMs: 1_000,
        halfOpenMaxCalls: 1,
      }),
    );
    api.interceptors.request.use(maybeThrow('after'));
    await rejection(api.get(upstream.url));
    const breaker = registry.get(upstream.url);
    expect(breaker.state).toBe('open');
    now = 1_000;
    for (const side of ['before', 'after'] as const) {
      throwing = side;
      expect(await rejection(api.get(upstream.url))).toBe(interceptorBug);
    }
    throwing = undefined;
    upstream.answer(ok);
    await api.get(upstream.url); // the one trial: refused if a slot had leaked
    expect(breaker.stats()).toMatchObject({ state: 'closed', inFlight: 0 });
    expect(upstream.received).toBe(2);
  });
});

describe('a response interceptor that throws', () => {
  it.each([
    [200, { successes: 1, failures: 0 }],
    [500, { successes: 0, failures: 1 }],
  ])(
    'after a %i: the caller gets its error, the permit was already settled',
    async (code, totals) => {
      const upstream = await startUpstream(status(code));
      const c = client();
      c.api.interceptors.response.use(
        () => {
          throw interceptorBug;
        },
        () => {
          throw interceptorBug;
        },
      );
      expect(await rejection(c.api.get(upstream.url))).toBe(interceptorBug);
      expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals });
    },
  );
});

describe('the bulkhead', () => {
  it('a request cancelled while it waits in the queue leaves the queue, takes no slot and sends nothing', async () => {
    const { upstream, c, breaker, answer, first, queued, controller } = await queuedBehindHeld(
      (controller) => controller.signal,
    );
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 1, lingering: 0 });
    controller.abort();
    expect(isCancel(await rejection(queued))).toBe(true);
    expect(breaker.stats().bulkhead).toEqual({ active: 1, queued: 0, lingering: 0 });
    answer.release();
    await first;
    await c.api.get(`${upstream.url}/after`);
    expect(upstream.received).toBe(2);
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { successes: 2, failures: 0, ignored: 0, rejected: 0 },
    });
  });

  it('a queued request goes when a slot frees, and is judged like any other', async () => {
    const upstream = await startUpstream();
    const answer = held();
    upstream.answer(answer);
    const c = client({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.api.get(upstream.url);
    await upstream.arrivals(1);
    const queued = c.api.get(upstream.url);
    await until(() => c.breaker(upstream.url).stats().bulkhead?.queued === 1);
    expect(upstream.received).toBe(1);
    answer.release(status(500));
    await rejection(first);
    await rejection(queued);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { failures: 2 },
    });
  });

  it('a full bulkhead rejects with the core’s BulkheadFullError, before any byte is sent', async () => {
    const upstream = await startUpstream();
    const answer = held();
    upstream.answer(answer);
    const c = client({ bulkhead: { maxConcurrent: 1 } });
    const first = c.api.get(upstream.url);
    await upstream.arrivals(1);
    const error = await rejection(c.api.get(upstream.url));
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(isBulkheadFullError(error)).toBe(true);
    answer.release();
    await first;
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, bulkhead: { active: 0 } });
  });
});

describe('a request sent again from a response interceptor (as axios-retry does)', () => {
  function retryOnce(api: AxiosInstance): void {
    api.interceptors.response.use(undefined, (error: AxiosError) => {
      const config = error.config as
        | (InternalAxiosRequestConfig & { retried?: boolean })
        | undefined;
      if (config === undefined || config.retried === true) throw error;
      config.retried = true;
      return api(config);
    });
  }

  it('is judged once per attempt', async () => {
    const upstream = await startUpstream(status(500));
    const c = client();
    retryOnce(c.api);
    let attempts = 0;
    upstream.answer((request, response) => {
      attempts++;
      (attempts === 1 ? status(500) : ok)(request, response);
    });
    await expect(c.api.get(upstream.url)).resolves.toMatchObject({ status: 200 });
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, successes: 1 },
    });
  });

  it('is refused at once when the first attempt opened the circuit', async () => {
    const upstream = await startUpstream(status(500));
    const c = client({ minimumCalls: 1 });
    retryOnce(c.api);
    expect(await rejection(c.api.get(upstream.url))).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, rejected: 1 },
    });
  });
});
