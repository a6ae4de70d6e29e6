// Input got rejects before it sends anything: it must fail as it would without the breaker,
// and take no permit. A URL that is not one reaches the hooks' handler with options; an input
// of the wrong type reaches it with none. A request Node refuses to write says nothing about the
// origin, and must not open its circuit.
import { once } from 'node:events';
import type { Got } from 'got';
import { describe, expect, it } from 'vitest';
import { client, gots, rejection } from './support/setup.ts';
import { ok, startUpstream } from './support/upstream.ts';

describe.each(gots)('$name: input got rejects', ({ got }) => {
  it.each([
    ['a URL that is not one', 'not a url'],
    ['an input of the wrong type', 42],
  ])('%s fails as without the breaker, promise and stream alike', async (_case, input) => {
    const c = client(got);
    const call = c.got as unknown as (input: unknown) => Promise<unknown>;
    const stream = c.got.stream as unknown as (input: unknown) => ReturnType<Got['stream']>;
    const bare = (await rejection((got as unknown as typeof call)(input))) as { code: string };
    expect(await rejection(call(input))).toMatchObject({ code: bare.code });
    const [streamed] = await once(stream(input), 'error');
    expect(streamed).toMatchObject({ code: bare.code });
    expect(c.registry.size).toBe(0);
  });
});

describe.each(gots)('$name: a request Node refuses to write', ({ got }) => {
  it.each([
    [
      'a header value with a line break, from a query string',
      { headers: { 'x-user': 'a\r\nb' } },
      'ERR_INVALID_CHAR',
    ],
    ['a method with a space in it', { method: 'GET /admin' }, 'ERR_INVALID_HTTP_TOKEN'],
    ['a header name with a space in it', { headers: { 'x user': 'a' } }, 'ERR_INVALID_HTTP_TOKEN'],
  ] as const)('%s: ignored, and the circuit stays closed', async (_what, options, code) => {
    const upstream = await startUpstream(ok);
    // One failure would open the circuit and refuse the next request.
    const c = client(got, { consecutiveFailures: 1 });

    expect(await rejection(c.got(upstream.url, options))).toMatchObject({ code });

    expect(upstream.received).toBe(0);
    expect(c.breaker(new URL(upstream.url).origin).stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 0, ignored: 1 },
    });
    expect((await c.got(upstream.url)).statusCode).toBe(200);
  });
});
