// Whatever is written into a breaker's keys — fields that are no numbers, JSON that is no state,
// huge numbers, keys of the wrong type — harms only that breaker, and only until the store
// writes over it: the store stays available, reports the name, and every other breaker goes on
// sharing. Against a real redis-server, with one client library of each kind.
import { CircuitBreaker, type CircuitBreakerOptions } from '@tripswitch/core';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { type RedisBreakerStore, StoreDataError } from '../src/index.ts';
import { breakerKeys } from '../src/keys.ts';
import { takeTrial } from '../src/scripts.ts';
import { adminClient } from './support/admin.ts';
import { storeWithEvents } from './support/store-with-events.ts';
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

/**
 * Ways to spoil what half-open trials are granted from, and whether the store reports what they
 * leave (a lease that never expires is one it does not count, not a fault).
 */
const trialSpoilers: [string, (admin: Redis, keys: Keys) => Promise<unknown>, boolean][] = [
  [
    'a thousand leases that never expire',
    (a, k) => {
      const leases: (string | number)[] = [];
      for (let i = 0; i < 1_000; i++) leases.push(Number.MAX_SAFE_INTEGER, `forged-${i}`);
      return a.zadd(k.trials, ...leases);
    },
    false,
  ],
  ['trial successes that are no number', (a, k) => a.hset(k.state, 'ok', 'many'), true],
  // A number, but more than any store leaves in a half-open state: it held every trial, and the
  // circuit refused every call, for as long as the state lasted.
  ['trial successes past halfOpenMaxCalls', (a, k) => a.hset(k.state, 'ok', '1000'), true],
  ['a lease sequence past 2^53', (a, k) => a.hset(k.state, 'seq', '99999999999999999999'), true],
  ['a trials key that is a string', (a, k) => a.set(k.trials, 'x'), true],
  ['a trials key that is a list', (a, k) => a.rpush(k.trials, 'x'), true],
  [
    'a state kind that does not exist, with leases out',
    (a, k) =>
      a
        .multi()
        .hset(k.state, 'st', 'ajar')
        .zadd(k.trials, Date.now() + 60_000, '1')
        .exec(),
    true,
  ],
];

describe.each(['ioredis 6', 'node-redis 6'] as const)('with %s, a bad key', (kind) => {
  const prefix = `hostile:${kind.replace(' ', '')}:`;

  const newStore = () => storeWithEvents(kind, url, prefix);

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
    // Its counts are in Redis (a breaker that never changed state has no state there).
    await until(async () => expect(await admin.hexists(keys.state, 't')).toBe(1));

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

  it.each(trialSpoilers)('holding %s still grants one trial', async (_, spoil, reported) => {
    const name = `trials-${names++}`;
    const clock = { now: () => 0 };
    const one = await newStore();
    const two = await newStore();
    const options = { clock, halfOpenMaxCalls: 1, openDurationMs: 5_000 };
    const a = breakerIn(one.store, name, options);
    const b = breakerIn(two.store, name, options);
    await until(() => expect(one.store.available && two.store.available).toBe(true));
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    await opened;
    // The spoiler goes to the half-open state, once both breakers follow it (they ask for no
    // trial until a call comes): spoiled before, the trial fields would be cleared when the
    // state is written. Written and announced here as another process would.
    const keys = { state: `${prefix}{${name}}:state`, trials: `${prefix}{${name}}:trials` };
    const open = JSON.parse((await admin.hget(keys.state, 's')) as string);
    const version = open.version + 1;
    const halfOpen = JSON.stringify({ ...open, version, state: 'half-open' });
    await admin.hset(keys.state, 'v', version, 'st', 'half-open', 's', halfOpen, 'ok', 0);
    await admin.publish(`${prefix}transitions`, `{"n":${JSON.stringify(name)},"s":${halfOpen}}`);
    await until(() => expect([a.state, b.state]).toEqual(['half-open', 'half-open']));
    await spoil(admin, keys);
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
    const events = [...one.events, ...two.events];
    expect(events.every((e) => e.name === name)).toBe(true);
    expect(events.some((e) => e.error instanceof StoreDataError)).toBe(reported);
  });
});

describe('the trial script, on hostile half-open data', () => {
  // The script itself, run the way the store runs it, on a half-open state whose trial fields
  // and leases were spoiled after one honest grant: what matters is exact (how many trials are
  // out, and whose), so no store and no timing stand between the data and the answer.
  const { state: key, trials } = breakerKeys('hostile:trial-script:', 'payments');
  const halfOpen = '{"version":7,"state":"half-open","openedAt":1,"openUntil":2,"attempt":1}';
  const maxCalls = 3;
  const leaseMs = 60_000;
  const take = async () => {
    const args = [7, maxCalls, leaseMs, 86_400_000];
    const reply = (await admin.eval(takeTrial.source, 2, key, trials, ...args)) as unknown[];
    return { code: reply[0], id: String(reply[1]), bad: reply[2] };
  };
  const redisNow = async () => {
    const [seconds, micros] = await admin.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };

  /** Spoilers, and whether the script reports what they leave (an expired lease is no fault). */
  const spoilers: [string, (now: number) => Promise<unknown>, boolean][] = [
    ['trial successes that are negative', () => admin.hset(key, 'ok', '-1'), true],
    ['trial successes that are a fraction', () => admin.hset(key, 'ok', '0.5'), true],
    ['trial successes that are empty', () => admin.hset(key, 'ok', ''), true],
    ['trial successes in exponent form', () => admin.hset(key, 'ok', '1e3'), true],
    ['trial successes past 2^53', () => admin.hset(key, 'ok', '99999999999999999999'), true],
    // Numbers, but more than any store leaves in a half-open state: they held every trial.
    ['trial successes at halfOpenMaxCalls', () => admin.hset(key, 'ok', String(maxCalls)), true],
    ['trial successes just below 2^53', () => admin.hset(key, 'ok', '9007199254740991'), true],
    // Each made the next lease id one already out: two holders of one lease.
    ['a lease sequence that is negative', () => admin.hset(key, 'seq', '-1'), true],
    ['a lease sequence that is a fraction', () => admin.hset(key, 'seq', '1.5'), true],
    ['a lease sequence that is empty', () => admin.hset(key, 'seq', ''), true],
    ['a lease sequence past 2^53', () => admin.hset(key, 'seq', '99999999999999999999'), true],
    ['a lease sequence set back to 0', () => admin.hset(key, 'seq', '0'), true],
    [
      'a lease sequence at 2^53 - 1 and a lease live on 2^53',
      (now) =>
        admin
          .multi()
          .hset(key, 'seq', '9007199254740991')
          .zadd(trials, now + 1_000, '9007199254740992')
          .exec(),
      true,
    ],
    [
      'a trials key that is a string',
      () => admin.multi().del(trials).set(trials, 'x').exec(),
      true,
    ],
    [
      'a trials key that is a list',
      () => admin.multi().del(trials).rpush(trials, 'x').exec(),
      true,
    ],
    [
      'a trials key that is a hash',
      () => admin.multi().del(trials).hset(trials, 'x', '1').exec(),
      true,
    ],
    ['leases scored +inf and -inf', () => admin.zadd(trials, '+inf', 'up', '-inf', 'down'), false],
    [
      'a lease that ends in 2^53 ms',
      () => admin.zadd(trials, Number.MAX_SAFE_INTEGER, 'late'),
      false,
    ],
    [
      'fifty thousand leases, expired or far in the future',
      async (now) => {
        for (let batch = 0; batch < 10; batch++) {
          const leases: (string | number)[] = [];
          for (let i = 0; i < 5_000; i++) {
            leases.push(i % 2 === 0 ? now - 1 - i : now + 10 * leaseMs + i, `forged-${batch}-${i}`);
          }
          await admin.zadd(trials, ...leases);
        }
      },
      false,
    ],
  ];

  it.each(spoilers)(
    'holding %s, fills exactly halfOpenMaxCalls leases, each its own',
    async (_, spoil, reported) => {
      await admin.del(key, trials);
      await admin.hset(key, 'v', '7', 'st', 'half-open', 's', halfOpen, 'ok', '0');
      const honest = await take();
      expect(honest).toMatchObject({ code: 1, id: '1', bad: 0 });
      await spoil(await redisNow());
      const granted: string[] = [];
      let bad = 0;
      for (let i = 0; i <= maxCalls; i++) {
        const reply = await take();
        if (reply.bad === 1) bad = 1;
        if (reply.code !== 1) {
          expect(reply.code).toBe(0);
          break;
        }
        granted.push(reply.id);
      }
      // Every lease granted is one of its own, none the honest one's: settling it gives back no
      // other ...
      expect(new Set([honest.id, ...granted]).size).toBe(granted.length + 1);
      for (const id of granted) expect(await admin.zscore(trials, id)).not.toBeNull();
      // ... and trials go out until halfOpenMaxCalls leases are live, and no further (the honest
      // lease counts, unless the spoiler threw it away with the key).
      const now = await redisNow();
      expect(await admin.zcount(trials, `(${now}`, now + leaseMs)).toBe(maxCalls);
      expect(bad).toBe(reported ? 1 : 0);
    },
  );
});
