// Every permit settles exactly once, on the paths that bypass the usual hooks: the caller's
// abort, and neighbouring hooks that throw or replace errors, before and after ours.
import { getEventListeners } from 'node:events';
import type { ExtendOptions } from 'got';
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, breakerHooks } from '../src/index.ts';
import { client, gots, quickRetries, rejection } from './support/setup.ts';
import { closedPort, held, ok, startUpstream, status } from './support/upstream.ts';

function boom(): never {
  throw new Error('boom');
}

describe.each(gots)('$name: the caller aborts', ({ got }) => {
  it('while the request is in flight: ignored, not a failure', async () => {
    const upstream = await startUpstream(held());
    const c = client(got);
    const controller = new AbortController();
    const request = c.got(upstream.url, { signal: controller.signal });
    await upstream.arrivals(1);
    expect(c.breaker(upstream.url).inFlight).toBe(1);
    controller.abort();
    expect(await rejection(request)).toMatchObject({ code: 'ERR_ABORTED' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1, failures: 0, successes: 0 },
    });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('frees a half-open trial slot, so the next trial can run', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { consecutiveFailures: 1, openDurationMs: 1_000, halfOpenMaxCalls: 1 });
    await rejection(c.got(upstream.url));
    upstream.answer(held());
    c.now = 1_000;
    const controller = new AbortController();
    const trial = c.got(upstream.url, { signal: controller.signal });
    await upstream.arrivals(2);
    controller.abort();
    await rejection(trial);
    upstream.answer(ok);
    await c.got(upstream.url);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });

  it('after the request settled: nothing changes, and no listener is left on the signal', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got);
    const controller = new AbortController();
    await c.got(upstream.url, { signal: controller.signal });
    await rejection(c.got(await closedPort(), { signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, ignored: 0 },
    });
  });

  it('with a signal aborted before the request starts: nothing is sent or counted', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got);
    const error = await rejection(c.got(upstream.url, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ code: 'ERR_ABORTED' });
    expect(upstream.received).toBe(0);
    expect(c.registry.size).toBe(0);
  });

  it('while got waits to retry: the failed attempt is settled, the retry never starts', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(
      got,
      {},
      { retry: { limit: 1, calculateDelay: ({ computedValue }) => (computedValue ? 60_000 : 0) } },
    );
    const failed = new Promise((resolve) => c.registry.on('failure', resolve));
    const controller = new AbortController();
    const request = c.got(upstream.url, { signal: controller.signal });
    await failed;
    controller.abort();
    await rejection(request);
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, ignored: 0 },
    });
  });
});

describe.each(gots)('$name: a neighbouring beforeRequest hook throws', ({ got }) => {
  it('in a later extend: nothing is sent, the permit is ignored', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got);
    const neighbour = c.got.extend({ hooks: { beforeRequest: [boom] } });
    const error = await rejection(neighbour(upstream.url));
    expect(error).toMatchObject({ message: 'boom' });
    expect(upstream.received).toBe(0);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1, failures: 0, successes: 0 },
    });
  });

  it('after ours in the same array: ignored too', async () => {
    const upstream = await startUpstream(ok);
    const registry = new BreakerRegistry();
    const hooks = breakerHooks({ registry });
    const neighbour = got.extend({
      ...hooks,
      hooks: { ...hooks.hooks, beforeRequest: [...hooks.hooks.beforeRequest, boom] },
    } as ExtendOptions);
    await rejection(neighbour(upstream.url));
    expect(upstream.received).toBe(0);
    expect(registry.get(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1 },
    });
  });

  it('before ours in the same array: ours never runs, no permit is taken', async () => {
    const upstream = await startUpstream(ok);
    const registry = new BreakerRegistry();
    const hooks = breakerHooks({ registry });
    const neighbour = got.extend({
      ...hooks,
      hooks: { ...hooks.hooks, beforeRequest: [boom, ...hooks.hooks.beforeRequest] },
    } as ExtendOptions);
    expect(await rejection(neighbour(upstream.url))).toMatchObject({ message: 'boom' });
    expect(upstream.received).toBe(0);
    expect(registry.size).toBe(0);
  });

  it('on a retry: the failed attempt counts, the one the hook stopped is ignored', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, {}, { retry: quickRetries(1) });
    const neighbour = c.got.extend({
      hooks: {
        beforeRequest: [
          (_options, { retryCount }) => {
            if (retryCount > 0) boom();
          },
        ],
      },
    });
    expect(await rejection(neighbour(upstream.url))).toMatchObject({ message: 'boom' });
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, ignored: 1 },
    });
  });
});

describe.each(gots)('$name: a neighbouring afterResponse hook throws', ({ got }) => {
  it('after ours: the response was judged already', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got);
    const neighbour = c.got.extend({ hooks: { afterResponse: [boom] } });
    expect(await rejection(neighbour(upstream.url))).toMatchObject({ message: 'boom' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('before ours: the attempt is judged by its response all the same', async () => {
    const upstream = await startUpstream(status(500));
    const registry = new BreakerRegistry();
    const neighbour = got
      .extend({ retry: { limit: 0 }, hooks: { afterResponse: [boom] } })
      .extend(breakerHooks({ registry }));
    expect(await rejection(neighbour(upstream.url))).toMatchObject({ message: 'boom' });
    upstream.answer(ok);
    await rejection(neighbour(upstream.url));
    expect(registry.get(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, successes: 1 },
    });
  });
});

describe.each(gots)('$name: neighbouring error hooks', ({ got }) => {
  const earlier = (hooks: NonNullable<ExtendOptions['hooks']>, registry: BreakerRegistry) =>
    got.extend({ retry: { limit: 0 }, hooks }).extend(breakerHooks({ registry }));

  it('a beforeError hook added before ours that throws cannot hide the failure', async () => {
    const url = await closedPort();
    const registry = new BreakerRegistry();
    const neighbour = earlier({ beforeError: [boom] }, registry);
    expect(await rejection(neighbour(url))).toMatchObject({ message: 'boom' });
    expect(registry.get(url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('a beforeError hook added before ours that returns a new error cannot hide it either', async () => {
    const url = await closedPort();
    const registry = new BreakerRegistry();
    const neighbour = earlier({ beforeError: [() => new Error('mine')] }, registry);
    expect(await rejection(neighbour(url))).toMatchObject({ message: 'mine' });
    expect(registry.get(url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('a beforeRetry hook added before ours that throws: the attempt still settles', async () => {
    const upstream = await startUpstream((request) => request.socket.destroy());
    const registry = new BreakerRegistry();
    const neighbour = got
      .extend({ retry: quickRetries(3), hooks: { beforeRetry: [boom] } })
      .extend(breakerHooks({ registry }));
    expect(await rejection(neighbour(upstream.url))).toMatchObject({ message: 'boom' });
    expect(upstream.received).toBe(1);
    expect(registry.get(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1 },
    });
  });

  it('a beforeRedirect hook that throws: the redirect response was a success', async () => {
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(302, { location: '/next' }).end();
    });
    const registry = new BreakerRegistry();
    const neighbour = earlier({ beforeRedirect: [boom] }, registry);
    expect(await rejection(neighbour(upstream.url))).toMatchObject({ message: 'boom' });
    expect(upstream.received).toBe(1);
    expect(registry.get(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 0 },
    });
  });
});

describe.each(gots)('$name: the hooks twice on one client', ({ got }) => {
  it('take one permit per attempt', async () => {
    const upstream = await startUpstream(ok);
    const registry = new BreakerRegistry();
    const hooks = breakerHooks({ registry });
    const twice = got.extend(hooks).extend(hooks);
    await twice(upstream.url);
    expect(registry.get(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1 },
    });
  });
});
