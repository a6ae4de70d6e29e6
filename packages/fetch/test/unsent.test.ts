// Calls the client refuses to send — the caller's mistake, often built from untrusted input —
// say nothing about the service, and must not open its circuit. And a fetch of the user's that
// returns no promise still settles its permit.
import { describe, expect, it } from 'vitest';
import { client, rejection, undiciClient, undicis } from './support/setup.ts';
import { closedPort, ok, startUpstream } from './support/upstream.ts';

// One failure opens the circuit: a mistake counted as a failure would refuse the next call.
const trigger = { consecutiveFailures: 1, openDurationMs: 60_000 };

describe('withBreaker: a call fetch refuses to send', () => {
  it.each([
    ['a method forwarded from a client that fetch forbids', { method: 'TRACE' }],
    ['a method with a space in it', { method: 'GET /admin' }],
    ['a header value with a line break, from a query string', { headers: { 'x-user': 'a\r\nb' } }],
    ['a GET with a body', { method: 'GET', body: 'x' }],
    [
      'a header only fetch sets, forwarded from a client',
      { method: 'POST', body: 'x', headers: { 'transfer-encoding': 'chunked' } },
    ],
    [
      'an Expect: 100-continue forwarded from a client uploading a large body',
      { method: 'POST', body: 'x', headers: { expect: '100-continue' } },
    ],
  ] as const)('%s: ignored, and the circuit stays closed', async (_what, init) => {
    const upstream = await startUpstream(ok);
    const c = client(trigger);

    expect(await rejection(c.fetch(upstream.url, init as RequestInit))).toBeInstanceOf(TypeError);

    expect(upstream.received).toBe(0);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 0, ignored: 1 },
    });
    expect((await c.fetch(upstream.url)).status).toBe(200);
  });

  it('a network error, also a TypeError, is still a failure', async () => {
    const url = await closedPort();
    const c = client(trigger);
    expect(await rejection(c.fetch(url, { method: 'POST', body: 'x' }))).toBeInstanceOf(TypeError);
    expect(c.breaker(new URL(url).origin).stats()).toMatchObject({
      state: 'open',
      totals: { failures: 1, ignored: 0 },
    });
  });
});

describe('withBreaker: a fetch of the user’s that returns no promise', () => {
  it('a Response returned as it is: the caller gets it, and the permit settles', async () => {
    const c = client({}, (() => new Response('cached')) as unknown as typeof fetch);
    const response = await c.fetch('http://inventory.test/stock');
    expect(await response.text()).toBe('cached');
    expect(c.breaker('http://inventory.test').stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1 },
    });
  });

  it('a thenable that rejects: the caller gets its error, and a failure is counted', async () => {
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is no promise, on purpose
      then: (_: unknown, reject: (e: Error) => void) => reject(new Error('down')),
    };
    const c = client({}, (() => thenable) as unknown as typeof fetch);
    expect(await rejection(c.fetch('http://inventory.test/stock'))).toMatchObject({
      message: 'down',
    });
    expect(c.breaker('http://inventory.test').stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1 },
    });
  });
});

describe.each(undicis)('$name: a request undici refuses to send', ({ undici }) => {
  it.each([
    ['a header value with a line break', { headers: { 'x-user': 'a\r\nb' } }],
    [
      'a content-length that is no number',
      { method: 'POST', body: 'x', headers: { 'content-length': 'x' } },
    ],
    ['a keep-alive header, which undici sets itself', { headers: { 'keep-alive': 'timeout=5' } }],
    [
      'an expect header, which undici does not support',
      { method: 'POST', body: 'x', headers: { expect: '100-continue' } },
      'UND_ERR_NOT_SUPPORTED',
    ],
  ] as const)('%s: ignored, and the circuit stays closed', async (_what, options, code?) => {
    const upstream = await startUpstream(ok);
    const c = undiciClient(undici, trigger);

    expect(await rejection(c.request(upstream.url, options as never))).toMatchObject({
      code: code ?? 'UND_ERR_INVALID_ARG',
    });

    expect(upstream.received).toBe(0);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 0, ignored: 1 },
    });
    expect((await c.request(upstream.url)).statusCode).toBe(200);
  });
});
