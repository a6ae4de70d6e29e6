// An afterResponse hook that calls retryWithMergedOptions() starts an attempt on which got runs
// no afterResponse hook (got 16: none; got 15: none from the retrying hook on): the attempt must
// settle all the same.
import { getEventListeners } from 'node:events';
import type { AfterResponseHook } from 'got';
import { describe, expect, it } from 'vitest';
import { client, gots } from './support/setup.ts';
import { startUpstream } from './support/upstream.ts';

// got's own example of the hook: a 401 refreshes the token and retries with it.
const refreshToken: AfterResponseHook = (response, retryWithMergedOptions) =>
  response.statusCode === 401
    ? retryWithMergedOptions({ headers: { authorization: 'fresh' } })
    : response;

async function tokenUpstream() {
  return startUpstream((request, response) => {
    response.statusCode = request.headers.authorization === 'fresh' ? 200 : 401;
    response.end('{}');
  });
}

describe.each(gots)('$name: an afterResponse hook retries with merged options', ({ got }) => {
  it('extended before ours: the retry that succeeds settles, and holds no listener', async () => {
    const upstream = await tokenUpstream();
    const c = client(got, {}, { hooks: { afterResponse: [refreshToken] } });
    const controller = new AbortController();

    const response = await c.got(upstream.url, { signal: controller.signal });

    expect(response.statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 2, failures: 0, ignored: 0 },
    });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('extended after ours: the same', async () => {
    const upstream = await tokenUpstream();
    const c = client(got);
    const refreshing = c.got.extend({ hooks: { afterResponse: [refreshToken] } });

    expect((await refreshing(upstream.url)).statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 2, failures: 0, ignored: 0 },
    });
  });

  it('with a bulkhead of one: the retry gives its slot back, so the next request is served', async () => {
    const upstream = await tokenUpstream();
    const c = client(
      got,
      { bulkhead: { maxConcurrent: 1 } },
      { hooks: { afterResponse: [refreshToken] } },
    );

    expect((await c.got(upstream.url)).statusCode).toBe(200);
    expect((await c.got(upstream.url)).statusCode).toBe(200);
  });
});
