// undici's responseError interceptor, composed closer to the agent than the breaker, turns a
// response of 400 or more into an error: the breaker must still judge it as the response it was.
import { describe, expect, it } from 'vitest';
import { rejection, undiciClient, undicis } from './support/setup.ts';
import { startUpstream, status } from './support/upstream.ts';

describe.each(undicis)('$name: interceptors.responseError() inside the breaker', ({ undici }) => {
  const inner = () => ({ inner: [undici.interceptors.responseError()] });

  it('a 404 it turns into an error is still a success: the caller’s mistake', async () => {
    const upstream = await startUpstream(status(404));
    const c = undiciClient(undici, { consecutiveFailures: 1 }, inner());

    expect(await rejection(c.request(upstream.url))).toMatchObject({ statusCode: 404 });

    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { successes: 1, failures: 0 },
    });
  });

  it('a 503 with Retry-After is a failure that holds the circuit open that long', async () => {
    const upstream = await startUpstream(status(503, { 'retry-after': '120' }));
    const c = undiciClient(undici, { consecutiveFailures: 1, openDurationMs: 1_000 }, inner());

    expect(await rejection(c.request(upstream.url))).toMatchObject({ statusCode: 503 });

    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'open',
      totals: { failures: 1 },
    });
    c.now = 60_000; // past openDurationMs, not past Retry-After: the next request is refused
    expect(await rejection(c.request(upstream.url))).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(upstream.received).toBe(1);
  });
});
