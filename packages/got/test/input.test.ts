// Input got rejects before it sends anything: it must fail as it would without the breaker,
// and take no permit. A URL that is not one reaches the hooks' handler with options; an input
// of the wrong type reaches it with none.
import { once } from 'node:events';
import type { Got } from 'got';
import { describe, expect, it } from 'vitest';
import { client, gots, rejection } from './support/setup.ts';

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
