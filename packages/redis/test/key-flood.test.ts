// A flood of breaker names, as per-key breakers keyed by request input make of an attacker's
// requests: each name is used once, then evicted from a small registry. What stays in Redis must
// be bounded by the window, not by how many names were ever seen: a name that only counted
// writes no state and publishes nothing, and its counts expire once they have left the window.
// A name whose circuit opened keeps its state for `stateTtlMs`, as the fleet needs it.
// Against a real redis-server.
import { BreakerRegistry } from '@tripswitch/core';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { RedisBreakerStore } from '../src/index.ts';
import { adminClient } from './support/admin.ts';
import { connectClient } from './support/clients.ts';
import { until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());

const flood = 400;
// Long enough that a busy machine sees the keys before they expire, short enough to wait for.
const windowMs = 3_000;
const bucketMs = 300;
/** The longest a key that holds only counts may live after a write (see flushCountsArgs). */
const countsTtlMs = windowMs + 6 * bucketMs;

describe.each(['ioredis 6', 'node-redis 6'] as const)('with %s, a flood of names', (kind) => {
  const prefix = `key-flood:${kind.replace(' ', '')}:`;

  async function floodedRegistry() {
    const { client, close } = await connectClient(kind, url);
    const store = new RedisBreakerStore({
      client,
      prefix,
      windowMs,
      bucketMs,
      flushIntervalMs: 20,
      syncIntervalMs: 50,
    });
    const registry = new BreakerRegistry({
      store,
      maxBreakers: 20,
      defaults: { minimumCalls: 1, openDurationMs: 60_000 },
    });
    onTestFinished(async () => {
      await store.close();
      await close();
    });
    // The store starts with its first breaker, which never calls: it leaves nothing in Redis.
    registry.get('warm-up');
    await until(() => expect(store.available).toBe(true));
    return registry;
  }

  /** Every transition message published under the prefix from now on. */
  async function transitionMessages(): Promise<string[]> {
    const subscriber = adminClient(url);
    onTestFinished(() => subscriber.disconnect());
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(`${prefix}transitions`);
    return messages;
  }

  async function keysOf(pattern: string): Promise<string[]> {
    return admin.keys(`${prefix}${pattern}`);
  }

  it('leaves no state, no message and no lasting key for names that only counted', async () => {
    const messages = await transitionMessages();

    const registry = await floodedRegistry();
    for (let i = 0; i < flood; i++) {
      await registry.get(`tenant-${i}`).execute(async () => 'ok');
    }
    // The last names' counts reach Redis: they are still in the registry.
    await until(async () => expect(await keysOf('{tenant-399}:state')).toHaveLength(1));
    const keys = await keysOf('*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(await admin.hexists(key, 'v'), key).toBe(0);
      // -2 when the key went meanwhile; never -1, a key with no expiry.
      const ttl = await admin.pttl(key);
      expect(ttl, key).not.toBe(-1);
      expect(ttl, key).toBeLessThanOrEqual(countsTtlMs);
    }
    // Nothing is counted any more: every key goes, and no name was ever published.
    await until(async () => expect(await keysOf('*')).toEqual([]));
    expect(messages).toEqual([]);
  });

  it('names a long name in its keys and messages by its start and a digest, not whole', async () => {
    const messages = await transitionMessages();

    const registry = await floodedRegistry();
    const names = [`${'k'.repeat(16_000)}-a`, `${'k'.repeat(16_000)}-b`];
    for (const name of names) await registry.get(name).execute(async () => 'ok');
    await until(async () => expect(await keysOf('{kkk*')).toHaveLength(2));
    for (const key of await keysOf('{kkk*')) expect(key.length).toBeLessThan(200);
    // A transition is published under the same short tag.
    await registry
      .get(names[0] as string)
      .execute(async () => Promise.reject(new Error('down')))
      .catch(() => {});
    await until(() => expect(messages).toHaveLength(1));
    expect(messages[0]?.length).toBeLessThan(400);
    await admin.del(...(await keysOf('{kkk*')));
  });

  it('keeps the state of a name whose circuit opened, for stateTtlMs', async () => {
    onTestFinished(async () => {
      await admin.del(`${prefix}{payments}:state`, `${prefix}{payments}:trials`);
    });
    const registry = await floodedRegistry();
    const breaker = registry.keep('payments');
    await breaker.execute(async () => Promise.reject(new Error('down'))).catch(() => {});
    expect(breaker.state).toBe('open');
    await until(async () =>
      expect(await admin.hget(`${prefix}{payments}:state`, 'st')).toBe('open'),
    );
    expect(await admin.pttl(`${prefix}{payments}:state`)).toBeGreaterThan(86_400_000 - 60_000);
  });
});
