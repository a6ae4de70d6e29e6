// A transition whose write Redis ran after the store stopped waiting for it (a command past
// `commandTimeoutMs`): once the store is back and reads its own state in Redis, that state is
// confirmed, and the breaker treats it so — it follows an operator's state written behind it
// rather than putting its own back over it. Against a real redis-server, paused with CLIENT PAUSE.
import { CircuitBreaker } from '@tripswitch/core';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { RedisBreakerStore } from '../src/index.ts';
import { adminClient } from './support/admin.ts';
import { connectClient } from './support/clients.ts';
import { nextStoreEvent, until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());
const boom = new Error('boom');
let names = 0;

describe.each(['ioredis 6', 'node-redis 6'] as const)('with %s', (kind) => {
  const prefix = `slow-write:${kind.replace(' ', '')}:`;

  it("a transition Redis wrote after the timeout is confirmed once read back: an operator's older state is followed", async () => {
    const name = `late-${names++}`;
    const key = `${prefix}{${name}}:state`;
    const { client, close } = await connectClient(kind, url);
    const store = new RedisBreakerStore({
      client,
      prefix,
      commandTimeoutMs: 200,
      retryIntervalMs: 50,
      flushIntervalMs: 50,
      syncIntervalMs: 100,
    });
    const breaker = new CircuitBreaker({ name, store, minimumCalls: 1, openDurationMs: 60_000 });
    onTestFinished(async () => {
      breaker.dispose();
      await store.close();
      await close();
    });
    await until(() => expect(store.available).toBe(true));

    // Redis holds every command for 700 ms: the trip's write waits past the store's timeout, and
    // Redis runs it when the pause ends.
    const down = nextStoreEvent(store, 'storeError');
    const recovered = nextStoreEvent(store, 'storeRecovered');
    await admin.client('PAUSE', 700, 'ALL');
    breaker.tryAcquire()?.failure(boom);
    expect(breaker.state).toBe('open');
    await down;
    await recovered;
    await until(async () => expect(await admin.hget(key, 'st')).toBe('open'));
    const version = Number(await admin.hget(key, 'v'));

    // An operator's disable from a process a version behind (one that never saw the open, after
    // the state was lost): the breaker's open is in Redis, so it follows the operator.
    const behind = version - 1;
    const json = `{"version":${behind},"state":"disabled","by":"operator"}`;
    await admin.hset(key, 'v', behind, 'st', 'disabled', 's', json);
    await admin.publish(`${prefix}transitions`, `{"n":${JSON.stringify(name)},"s":${json}}`);
    await until(() => expect(breaker.state).toBe('disabled'));
    expect(await admin.hget(key, 'st')).toBe('disabled');
  });
});
