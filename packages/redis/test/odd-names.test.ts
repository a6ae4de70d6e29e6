// Any string is a breaker name: braces, colons, newlines, quotes, emoji, a hundred thousand
// characters, UTF-16 that is not well formed. Breakers of one name share a state, at once (by
// the channel, not by the periodic sync), and breakers of different names never do. Against a
// real redis-server, with stores that never sync on their own.
import { CircuitBreaker } from '@tripswitch/core';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { RedisBreakerStore } from '../src/index.ts';
import { adminClient } from './support/admin.ts';
import { connectClient } from './support/clients.ts';
import { nextStateChange, until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());
const boom = new Error('boom');

const oddNames: [string, string][] = [
  ['braces and colons', '}{a}:{b}:%7D'],
  ['a newline and quotes', 'line\nbreak "quoted" \\ \u0000'],
  ['emoji and other scripts', '支払い💳\u00e9e\u0301'],
  ['a hundred thousand characters', 'n'.repeat(100_000)],
  ['a lone high surrogate', 'pay\uD800ments'],
  ['a lone low surrogate', 'pay\uDC00ments'],
];

describe.each(['ioredis 6', 'node-redis 6'] as const)('with %s, a breaker named', (kind) => {
  const prefix = `odd-names:${kind.replace(' ', '')}:`;

  async function newStore() {
    const { client, close } = await connectClient(kind, url);
    // No periodic sync: a state reaches the other store by its message or not at all.
    const store = new RedisBreakerStore({
      client,
      prefix,
      flushIntervalMs: 50,
      syncIntervalMs: 2_000_000_000,
    });
    onTestFinished(async () => {
      await store.close();
      await close();
    });
    return store;
  }

  function breakerIn(store: RedisBreakerStore, name: string) {
    const breaker = new CircuitBreaker({ name, store, minimumCalls: 1, openDurationMs: 60_000 });
    onTestFinished(() => breaker.dispose());
    return breaker;
  }

  it.each(oddNames)('with %s shares its state at once', async (_, name) => {
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name);
    const b = breakerIn(two, name);
    await until(() => expect(one.available && two.available).toBe(true));
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    expect(await opened).toMatchObject({ to: 'open', reason: 'fleet' });
  });

  it('with a lone surrogate shares nothing with another name', async () => {
    const store = await newStore();
    const names = ['x\uD800', 'x\uDC00', 'x\uFFFD', 'x\uD83D'];
    const breakers = names.map((name) => breakerIn(store, name));
    await until(() => expect(store.available).toBe(true));
    // Each counts under a key of its own: as many keys as names.
    for (const breaker of breakers) breaker.tryAcquire()?.success();
    await until(async () =>
      expect(await admin.keys(`${prefix}{x*}:state`)).toHaveLength(names.length),
    );
    breakers[0]?.isolate();
    // Only the isolated one has a state (the others never changed theirs).
    await until(async () => {
      const states = await Promise.all(
        (await admin.keys(`${prefix}{x*}:state`)).map((key) => admin.hget(key, 'st')),
      );
      expect(states.filter((state) => state !== null)).toEqual(['forced-open']);
    });
    expect(breakers.map((b) => b.state)).toEqual(['forced-open', 'closed', 'closed', 'closed']);
  });
});
