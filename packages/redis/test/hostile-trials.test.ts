// The fleet's trial accounting and outcome counts hold up against numbers written by anyone
// else: a trial-success count, a count bucket, that is not what the store writes is reported
// and written over when a trial is settled or counts are flushed — never taken silently as some
// other number, so that nothing can close a circuit early, hold it half-open, or skew a rate
// without a `StoreDataError`. Against a real redis-server: the scripts as the store runs them,
// then two stores with a breaker each.
import { CircuitBreaker, type CircuitBreakerOptions, type Permit } from '@tripswitch/core';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { type RedisBreakerStore, StoreDataError } from '../src/index.ts';
import { breakerKeys } from '../src/keys.ts';
import { flushCounts, settleTrial } from '../src/scripts.ts';
import { adminClient } from './support/admin.ts';
import { storeWithEvents } from './support/store-with-events.ts';
import { nextStateChange, until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());
const boom = new Error('boom');
let names = 0;

/** Trial-success counts that are not what the store writes in a half-open state (max 3). */
const badSuccesses: [string, string][] = [
  ['no number', 'many'],
  ['negative', '-1'],
  ['a fraction', '0.5'],
  ['empty', ''],
  ['in exponent form', '1e3'],
  ['past 2^53', '99999999999999999999'],
  // Numbers, but never left in a half-open state: the settle that reaches halfOpenMaxCalls
  // closes the circuit. Taken as they were, the next success closed it after one trial.
  ['at halfOpenMaxCalls', '3'],
  ['just below 2^53', '9007199254740991'],
];

describe('the settle script, on hostile half-open data', () => {
  const { state: key, trials } = breakerKeys('hostile-trials:settle-script:', 'payments');
  const halfOpen = '{"version":7,"state":"half-open","openedAt":1,"openUntil":2,"attempt":1}';
  const maxCalls = 3;
  const settle = async (id: string, outcome = 'success') => {
    const args = [7, id, outcome, maxCalls, 'hostile-trials:channel', '"payments"', 86_400_000];
    const reply = (await admin.eval(settleTrial.source, 2, key, trials, ...args)) as unknown[];
    return { code: reply[0], bad: reply[2] };
  };
  const halfOpenWith = async (ok: string) => {
    await admin.del(key, trials);
    await admin.hset(key, 'v', '7', 'st', 'half-open', 's', halfOpen, 'ok', ok, 'seq', '2');
    await admin.zadd(trials, Date.now() + 60_000, '1', Date.now() + 60_000, '2');
  };

  it('counts an honest success, and reports nothing', async () => {
    await halfOpenWith('1');
    expect(await settle('1')).toEqual({ code: 0, bad: 0 });
    expect(await admin.hget(key, 'ok')).toBe('2');
    expect(await admin.zscore(trials, '1')).toBeNull();
  });

  it.each(badSuccesses)(
    'reports trial successes that are %s, and counts the success as the first',
    async (_, ok) => {
      await halfOpenWith(ok);
      expect(await settle('1')).toEqual({ code: 0, bad: 1 });
      // Treated as absent, as the trial script treats them: the success is the first.
      expect(await admin.hmget(key, 'st', 'ok')).toEqual(['half-open', '1']);
      expect(await admin.zscore(trials, '1')).toBeNull();
      // Settled from there as it should be: two more successes close the circuit.
      expect(await settle('2')).toEqual({ code: 0, bad: 0 });
      expect((await settle('3')).code).toBe(1);
      expect(await admin.hget(key, 'st')).toBe('closed');
    },
  );

  it.each(['failure', 'ignored'])(
    'gives a lease back on %s, and leaves the successes to the trial script',
    async (outcome) => {
      await halfOpenWith('many');
      expect(await settle('1', outcome)).toEqual({ code: 0, bad: 0 });
      expect(await admin.zscore(trials, '1')).toBeNull();
    },
  );

  it('reports a trials key of the wrong type, and writes it over', async () => {
    await halfOpenWith('0');
    await admin.multi().del(trials).set(trials, 'x').exec();
    expect(await settle('1')).toEqual({ code: 0, bad: 1 });
    expect(await admin.exists(trials)).toBe(0);
    expect(await admin.hget(key, 'ok')).toBe('1');
  });

  it('reports a state key of the wrong type, and writes it over', async () => {
    await admin.del(key, trials);
    await admin.set(key, 'x');
    expect(await settle('1')).toEqual({ code: 0, bad: 1 });
    expect(await admin.exists(key)).toBe(0);
  });
});

describe('the flush script, on hostile count buckets', () => {
  const { state: key } = breakerKeys('hostile-trials:flush-script:', 'payments');
  // Three buckets of a ring of four, from index 100: bucket 100 lives in field b0.
  const flush = async () => {
    const reply = (await admin.eval(
      flushCounts.source,
      1,
      key,
      86_400_000,
      3,
      4,
      1,
      10_000,
      1,
      100,
      0,
    )) as [[string, string, number]];
    const [state, counts, bad] = reply[0];
    return { state, counts, bad };
  };

  it.each([
    ['more failures than calls', '100:1:1000:0'],
    ['more slow calls than calls', '100:1:0:1000'],
    ['an index of 70 digits', `${'9'.repeat(70)}:1:1:0`],
  ])('reports a bucket with %s, and writes it over', async (_, slot) => {
    await admin.del(key);
    await admin.hset(key, 'b0', slot);
    expect(await flush()).toMatchObject({ counts: '0,0,0,0,0,0,0,0,0', bad: 1 });
    expect(await admin.hget(key, 'b0')).toBe('100:0:0:0');
  });

  it('takes an honest bucket as it is', async () => {
    await admin.del(key);
    await admin.hset(key, 'b0', '100:5:2:3', 'b1', '97:9:9:9');
    expect(await flush()).toMatchObject({ counts: '5,2,3,0,0,0,0,0,0', bad: 0 });
  });
});

describe.each(['ioredis 6', 'node-redis 6'] as const)('with %s, two breakers', (kind) => {
  const prefix = `hostile-trials:${kind.replace(' ', '')}:`;

  const newStore = () => storeWithEvents(kind, url, prefix);

  function breakerIn(store: RedisBreakerStore, name: string, options: CircuitBreakerOptions) {
    const breaker = new CircuitBreaker({ name, store, minimumCalls: 1, ...options });
    onTestFinished(() => breaker.dispose());
    return breaker;
  }

  /** Two stores with a breaker each, following one half-open state another process wrote. */
  async function halfOpenPair(name: string, halfOpenMaxCalls: number) {
    const clock = { now: () => 0 };
    const one = await newStore();
    const two = await newStore();
    const options = { clock, halfOpenMaxCalls, openDurationMs: 5_000 };
    const a = breakerIn(one.store, name, options);
    const b = breakerIn(two.store, name, options);
    await until(() => expect(one.store.available && two.store.available).toBe(true));
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    await opened;
    const keys = breakerKeys(prefix, name);
    const open = JSON.parse((await admin.hget(keys.state, 's')) as string);
    const version = open.version + 1;
    const halfOpen = JSON.stringify({ ...open, version, state: 'half-open' });
    await admin.hset(keys.state, 'v', version, 'st', 'half-open', 's', halfOpen, 'ok', 0);
    await admin.publish(`${prefix}transitions`, `{"n":${JSON.stringify(name)},"s":${halfOpen}}`);
    await until(() => expect([a.state, b.state]).toEqual(['half-open', 'half-open']));
    const trial = () =>
      until(() => {
        const permit = a.tryAcquire() ?? b.tryAcquire();
        expect(permit).not.toBeNull();
        return permit as Permit;
      });
    return { a, b, keys, trial, events: () => [...one.events, ...two.events] };
  }

  it.each(badSuccesses)(
    'reports trial successes that are %s when a trial is settled, and closes only after halfOpenMaxCalls',
    async (_, ok) => {
      const name = `settle-${names++}`;
      const { a, b, keys, trial, events } = await halfOpenPair(name, 3);
      const first = await trial();
      const second = await trial();
      first.success();
      await until(async () => expect(await admin.hget(keys.state, 'ok')).toBe('1'));
      // Written between the grant and the settle: no trial script runs in between to see it.
      await admin.hset(keys.state, 'ok', ok);
      second.success();
      await until(() =>
        expect(events().some((e) => e.name === name && e.error instanceof StoreDataError)).toBe(
          true,
        ),
      );
      // Counted as the first success, not as none, nor as the last.
      await until(async () => expect(await admin.hget(keys.state, 'ok')).toBe('1'));
      expect(await admin.hget(keys.state, 'st')).toBe('half-open');
      expect([a.state, b.state]).toEqual(['half-open', 'half-open']);
      // Two more successes close it everywhere.
      const closed = [a, b].map((breaker) => nextStateChange(breaker, (c) => c.to === 'closed'));
      const third = await trial();
      const fourth = await trial();
      third.success();
      fourth.success();
      await Promise.all(closed);
      expect(events().every((e) => e.name === name)).toBe(true);
    },
  );

  it('follows a forged attempt of 2^53 - 1 and still shares the reopen that follows it', async () => {
    // The attempt is the breaker's to count on from: a trial that fails reopens at attempt + 1,
    // which past 2^53 - 1 is no safe integer. The store took 2^53 - 1 and refused 2^53, so the
    // breaker's own reopen was bad data to every replica: none followed it, each wrote its own
    // state over it, and each went on granting trials alone.
    const name = `attempt-${names++}`;
    let now = 1_000_000;
    const clock = { now: () => now };
    const one = await newStore();
    const two = await newStore();
    const options = { clock, openDurationMs: 5_000 };
    const a = breakerIn(one.store, name, options);
    const b = breakerIn(two.store, name, options);
    await until(() => expect(one.store.available && two.store.available).toBe(true));
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    await opened;
    const keys = breakerKeys(prefix, name);
    const version = Number(await admin.hget(keys.state, 'v')) + 1;
    const attempt = Number.MAX_SAFE_INTEGER;
    const open = JSON.stringify({ version, state: 'open', openedAt: now, openUntil: now, attempt });
    await admin.hset(keys.state, 'v', version, 'st', 'open', 's', open);
    await admin.publish(`${prefix}transitions`, `{"n":${JSON.stringify(name)},"s":${open}}`);
    await until(() =>
      expect([a, b].map((x) => x.toJSON())).toMatchObject([{ attempt }, { attempt }]),
    );
    now += 1;
    const trial = await until(() => {
      const permit = a.tryAcquire() ?? b.tryAcquire();
      expect(permit).not.toBeNull();
      return permit as Permit;
    });
    const reopened = [a, b].map((x) => nextStateChange(x, (c) => c.to === 'open'));
    trial.failure(boom);
    await Promise.all(reopened);
    await until(async () => expect(await admin.hget(keys.state, 'st')).toBe('open'));
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(b.toJSON()).toMatchObject({ state: 'open', openUntil: now + 5_000 });
    expect([...one.events, ...two.events]).toEqual([]);
  });
});
