// Whatever is written into a breaker's keys — fields that are no numbers, JSON that is no state,
// huge numbers, keys of the wrong type — harms only that breaker, and only until the store
// writes over it: the store stays available, reports the name, and every other breaker goes on
// sharing. Against a real redis-server, with one client library of each kind.
import { CircuitBreaker, type CircuitBreakerOptions } from '@tripswitch/core';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { RedisBreakerStore, type RedisStoreEvents, StoreDataError } from '../src/index.ts';
import { adminClient } from './support/admin.ts';
import { connectClient } from './support/clients.ts';
import { nextStateChange, until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());
const boom = new Error('boom');
let names = 0;

interface Keys {
  state: string;
  trials: string;
}

/** Ways to spoil a breaker's keys: every key and field the store writes. */
const spoilers: [string, (admin: Redis, keys: Keys) => Promise<unknown>][] = [
  ['a version that is no number', (a, k) => a.hset(k.state, 'v', 'oops')],
  ['a version past 2^53', (a, k) => a.hset(k.state, 'v', '9007199254740993')],
  ['a negative version', (a, k) => a.hset(k.state, 'v', '-1')],
  ['a version past the ring', (a, k) => a.hset(k.state, 'v', '4294967296')],
  ['a state kind that does not exist', (a, k) => a.hset(k.state, 'st', 'ajar')],
  ['state JSON that is no JSON', (a, k) => a.hset(k.state, 's', '{"version":')],
  [
    'state JSON of another version',
    (a, k) => a.hset(k.state, 's', '{"version":7,"state":"closed"}'),
  ],
  [
    'state JSON nested 10,000 deep',
    (a, k) => a.hset(k.state, 's', `${'['.repeat(10_000)}${']'.repeat(10_000)}`),
  ],
  ['state JSON of a megabyte', (a, k) => a.hset(k.state, 's', `"${'x'.repeat(1 << 20)}"`)],
  [
    'an open state with infinite times',
    (a, k) =>
      a.hset(
        k.state,
        'v',
        '3',
        'st',
        'open',
        's',
        '{"version":3,"state":"open","openedAt":1e999,"openUntil":1e999,"attempt":1}',
      ),
  ],
  [
    'an open state that ends before it begins',
    (a, k) =>
      a.hset(
        k.state,
        'v',
        '3',
        'st',
        'open',
        's',
        '{"version":3,"state":"open","openedAt":10,"openUntil":5,"attempt":1}',
      ),
  ],
  // Lua's cjson reads all of these, JSON.parse none: a state the scripts took as valid and the
  // store could not read was neither followed nor written over, and a newer version froze the
  // breaker's sharing without a report.
  [
    'state JSON with a hex number, a version ahead',
    (a, k) =>
      a.hset(k.state, 'v', '1000', 'st', 'closed', 's', '{"version":0x3E8,"state":"closed"}'),
  ],
  [
    'an open state with numbers JSON.parse refuses, a version ahead',
    (a, k) =>
      a.hset(
        k.state,
        'v',
        '1000',
        'st',
        'open',
        's',
        '{"version":1000,"state":"open","openedAt":01,"openUntil":+2,"attempt":1.}',
      ),
  ],
  [
    'state JSON with a raw control character, a version ahead',
    (a, k) =>
      a.hset(
        k.state,
        'v',
        '1000',
        'st',
        'disabled',
        's',
        '{"version":1000,"state":"disabled","x":"\t"}',
      ),
  ],
  ['an expiry mark that is no number', (a, k) => a.hset(k.state, 't', 'never')],
  [
    'count buckets of garbage and huge numbers',
    async (a, k) => {
      const fields: string[] = [];
      for (let slot = 0; slot <= 10; slot++) {
        fields.push(`b${slot}`, slot % 2 === 0 ? 'garbage' : `${slot}:99999999999999999999:0:0`);
      }
      await a.hset(k.state, ...fields);
    },
  ],
  ['a state key that is a string', async (a, k) => a.multi().del(k.state).set(k.state, 'x').exec()],
  ['a state key that is a list', async (a, k) => a.multi().del(k.state).rpush(k.state, 'x').exec()],
  ['a state key that is a set', async (a, k) => a.multi().del(k.state).sadd(k.state, 'x').exec()],
];

/** Ways to spoil what half-open trials are granted from. */
const trialSpoilers: [string, (admin: Redis, keys: Keys) => Promise<unknown>][] = [
  [
    'a thousand leases that never expire',
    (a, k) => {
      const leases: (string | number)[] = [];
      for (let i = 0; i < 1_000; i++) leases.push(Number.MAX_SAFE_INTEGER, `forged-${i}`);
      return a.zadd(k.trials, ...leases);
    },
  ],
  ['trial successes that are no number', (a, k) => a.hset(k.state, 'ok', 'many')],
  ['a lease sequence past 2^53', (a, k) => a.hset(k.state, 'seq', '99999999999999999999')],
  ['a trials key that is a string', (a, k) => a.set(k.trials, 'x')],
];

describe.each(['ioredis 6', 'node-redis 6'] as const)('with %s, a bad key', (kind) => {
  const prefix = `hostile:${kind.replace(' ', '')}:`;

  async function newStore() {
    const { client, close } = await connectClient(kind, url);
    const store = new RedisBreakerStore({
      client,
      prefix,
      flushIntervalMs: 50,
      syncIntervalMs: 100,
    });
    const events: RedisStoreEvents['storeError'][] = [];
    store.on('storeError', (event) => events.push(event));
    onTestFinished(async () => {
      await store.close();
      await close();
    });
    return { store, events };
  }

  function breakerIn(store: RedisBreakerStore, name: string, options: CircuitBreakerOptions = {}) {
    const breaker = new CircuitBreaker({
      name,
      store,
      minimumCalls: 1,
      openDurationMs: 60_000,
      ...options,
    });
    onTestFinished(() => breaker.dispose());
    return breaker;
  }

  it.each(spoilers)('holding %s harms only its own breaker', async (_, spoil) => {
    const id = names++;
    const [bad, good] = [`bad-${id}`, `good-${id}`];
    const one = await newStore();
    const two = await newStore();
    const badA = breakerIn(one.store, bad);
    const badB = breakerIn(two.store, bad);
    const goodA = breakerIn(one.store, good);
    const goodB = breakerIn(two.store, good);
    await until(() => expect(one.store.available && two.store.available).toBe(true));
    // The bad breaker counts, so that its counts are read and written too.
    badA.tryAcquire()?.success();
    badB.tryAcquire()?.success();
    const keys = { state: `${prefix}{${bad}}:state`, trials: `${prefix}{${bad}}:trials` };
    await until(async () => expect(await admin.hget(keys.state, 'st')).toBe('closed'));

    await spoil(admin, keys);

    // Reported with the breaker's name, by a store that stays available.
    await until(() =>
      expect([...one.events, ...two.events].some((e) => e.name === bad)).toBe(true),
    );
    const reported = [...one.events, ...two.events].find((e) => e.name === bad);
    expect(reported?.error).toBeInstanceOf(StoreDataError);
    expect(reported?.error).toMatchObject({ code: 'ERR_STORE_DATA', breaker: bad });
    expect([one.store.available, two.store.available]).toEqual([true, true]);

    // Every other breaker goes on sharing.
    const goodOpened = nextStateChange(goodB);
    goodA.tryAcquire()?.failure(boom);
    expect(await goodOpened).toMatchObject({ to: 'open', reason: 'fleet' });

    // And the bad one's state was written over: it shares again.
    await until(async () => expect(await admin.type(keys.state)).toBe('hash'));
    const badOpened = nextStateChange(badB, (change) => change.to === 'open');
    badA.tryAcquire()?.failure(boom);
    expect(await badOpened).toMatchObject({ reason: 'fleet' });
    await until(async () => expect(await admin.hmget(keys.state, 'st')).toEqual(['open']));
    expect(badB.toJSON()).toEqual(badA.toJSON());
    // No outage was ever reported: every storeError named the bad breaker.
    expect([...one.events, ...two.events].every((e) => e.name === bad)).toBe(true);
  });

  it.each(trialSpoilers)('holding %s still grants one trial', async (_, spoil) => {
    const name = `trials-${names++}`;
    let now = Date.now();
    const clock = { now: () => now };
    const one = await newStore();
    const two = await newStore();
    const options = { clock, halfOpenMaxCalls: 1, openDurationMs: 5_000 };
    const a = breakerIn(one.store, name, options);
    const b = breakerIn(two.store, name, options);
    await until(() => expect(one.store.available && two.store.available).toBe(true));
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    await opened;
    await spoil(admin, { state: `${prefix}{${name}}:state`, trials: `${prefix}{${name}}:trials` });
    now += 5_000;
    // A trial is granted all the same, to one of the two.
    let trial: ReturnType<CircuitBreaker['tryAcquire']> = null;
    await until(() => {
      trial = a.tryAcquire() ?? b.tryAcquire();
      expect(trial).not.toBeNull();
    });
    const closed = [a, b].map((breaker) => nextStateChange(breaker, (c) => c.to === 'closed'));
    (trial as ReturnType<CircuitBreaker['tryAcquire']>)?.success();
    await Promise.all(closed);
    expect([one.store.available, two.store.available]).toEqual([true, true]);
    expect([...one.events, ...two.events].every((e) => e.name === name)).toBe(true);
  });
});
