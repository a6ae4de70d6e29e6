// RedisBreakerStore against a real redis-server, with each client library: several stores, each
// with its own client (as several processes would have), share breakers of the same name.
import {
  BreakerRegistry,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type Permit,
} from '@tripswitch/core';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { RedisBreakerStore, type RedisBreakerStoreOptions } from '../src/index.ts';
import { adminClient } from './support/admin.ts';
import { type ClientKind, clientKinds, connectClient } from './support/clients.ts';
import { bindProbe } from './support/probe-circuit.ts';
import { nextStateChange, until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());
const boom = new Error('boom');
let names = 0;

describe.each(clientKinds)('RedisBreakerStore with %s', (kind: ClientKind) => {
  const prefix = `store:${kind.replace(' ', '')}:`;

  async function newStore(options: Partial<RedisBreakerStoreOptions> = {}) {
    const { client, close } = await connectClient(kind, url);
    const store = new RedisBreakerStore({ client, prefix, ...options });
    onTestFinished(async () => {
      await store.close();
      await close();
    });
    return store;
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

  async function availableNow(...stores: RedisBreakerStore[]) {
    await until(() => expect(stores.every((s) => s.available)).toBe(true), {
      timeout: 5_000,
    });
  }

  async function storedState(name: string) {
    return admin.hgetall(`${prefix}{${name}}:state`);
  }

  /** The calls counted in Redis for `name`: its state hash's `b<slot>` fields, `index:calls:…`. */
  async function storedCalls(name: string) {
    const hash = await storedState(name);
    return Object.entries(hash)
      .filter(([field]) => /^b\d+$/.test(field))
      .reduce((sum, [, value]) => sum + Number(value.split(':')[1]), 0);
  }

  it('opens a breaker in every store when one opens, with reason "fleet"', async () => {
    const name = `open-${names++}`;
    const [one, two, three] = [await newStore(), await newStore(), await newStore()];
    const a = breakerIn(one, name);
    const others = [breakerIn(two, name), breakerIn(three, name)];
    await availableNow(one, two, three);
    const opened = others.map((b) => nextStateChange(b));
    a.tryAcquire()?.failure(boom);
    expect(a.state).toBe('open');
    for (const change of await Promise.all(opened)) {
      expect(change).toMatchObject({ from: 'closed', to: 'open', reason: 'fleet' });
    }
    for (const b of others) {
      expect(b.tryAcquire()).toBeNull();
      expect(b.toJSON()).toEqual(a.toJSON());
    }
    expect(await storedState(name)).toMatchObject({ v: '1', st: 'open' });
  });

  it('gives a breaker that starts late the fleet’s current state', async () => {
    const name = `late-${names++}`;
    const first = await newStore();
    const a = breakerIn(first, name);
    await availableNow(first);
    a.tryAcquire()?.failure(boom);
    await until(async () => expect((await storedState(name)).st).toBe('open'));

    const late = await newStore();
    const b = breakerIn(late, name);
    expect(b.state).toBe('closed');
    expect(await nextStateChange(b)).toMatchObject({ to: 'open', reason: 'fleet' });
    expect(b.toJSON()).toEqual(a.toJSON());
    // A second breaker of the name in a store that already follows it starts with its state.
    expect(breakerIn(late, name).state).toBe('open');
  });

  it('puts a breaker’s own state in Redis when the fleet has none', async () => {
    const name = `seed-${names++}`;
    const store = await newStore();
    breakerIn(store, name, { initialState: { version: 1, state: 'forced-open' } });
    await availableNow(store);
    await until(async () =>
      expect(await storedState(name)).toMatchObject({ v: '0', st: 'forced-open' }),
    );
  });

  it('trips every store on the summed counts, though no store saw enough alone', async () => {
    const name = `counts-${names++}`;
    const options = { minimumCalls: 10, failureRateThreshold: 50 };
    const [one, two] = [
      await newStore({ flushIntervalMs: 50 }),
      await newStore({ flushIntervalMs: 50 }),
    ];
    const a = breakerIn(one, name, options);
    const b = breakerIn(two, name, options);
    const probe = bindProbe(one, name);
    await availableNow(one, two);
    for (let i = 0; i < 5; i++) a.tryAcquire()?.failure(boom);
    for (let i = 0; i < 4; i++) b.tryAcquire()?.failure(boom);
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    // Store one has read the fleet's nine calls back from Redis.
    await until(() => expect(probe.binding.fleetCounts(Date.now())?.calls).toBe(9));
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom); // a's tenth: the fleet has 10 calls, all failed
    expect(a.state).toBe('open');
    expect(await opened).toMatchObject({ to: 'open', reason: 'fleet' });
    expect(a.stats().calls).toBe(6); // a tripped on the fleet's counts, not its own
  });

  it('lets exactly halfOpenMaxCalls trials through across every store, then closes all', async () => {
    const name = `trials-${names++}`;
    let now = Date.now();
    const clock = { now: () => now };
    const options = { halfOpenMaxCalls: 2, openDurationMs: 5_000, clock };
    const stores = [await newStore(), await newStore(), await newStore()];
    const breakers = stores.map((store) => breakerIn(store, name, options));
    await availableNow(...stores);
    const opened = breakers.slice(1).map((b) => nextStateChange(b, (c) => c.to === 'open'));
    breakers[0]?.tryAcquire()?.failure(boom);
    await Promise.all(opened);
    now += 5_000;

    // Callers in every store keep asking; the fleet's grants arrive from Redis as they do.
    const permits: Permit[] = [];
    const deadline = performance.now() + 600;
    while (performance.now() < deadline) {
      for (const breaker of breakers) {
        const permit = breaker.tryAcquire();
        if (permit !== null) permits.push(permit);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(permits).toHaveLength(2);
    expect(breakers.map((b) => b.state)).toEqual(['half-open', 'half-open', 'half-open']);
    expect(await admin.zcard(`${prefix}{${name}}:trials`)).toBe(2);

    const closed = breakers.map((b) => nextStateChange(b, (c) => c.to === 'closed'));
    permits[0]?.success();
    permits[1]?.success();
    await Promise.all(closed);
    expect(breakers.map((b) => b.state)).toEqual(['closed', 'closed', 'closed']);
    expect(breakers.map((b) => b.inFlight)).toEqual([0, 0, 0]);
    expect(await storedState(name)).toMatchObject({ v: '3', st: 'closed' });
  });

  it('gives an ignored trial’s grant back to the fleet', async () => {
    const name = `ignored-${names++}`;
    let now = Date.now();
    const clock = { now: () => now };
    const options = { halfOpenMaxCalls: 1, openDurationMs: 5_000, clock };
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name, options);
    const b = breakerIn(two, name, options);
    await availableNow(one, two);
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    await opened;
    now += 5_000;
    let trial: Permit | null = null;
    await until(() => {
      trial = a.tryAcquire();
      expect(trial).not.toBeNull();
    });
    expect(b.tryAcquire()).toBeNull();
    (trial as Permit | null)?.ignore();
    // b asks again once a flush interval after it found the trials all out.
    let next: Permit | null = null;
    await until(
      () => {
        next = b.tryAcquire();
        expect(next).not.toBeNull();
      },
      { timeout: 5_000 },
    );
    expect(a.tryAcquire()).toBeNull();
    (next as Permit | null)?.ignore();
  });

  it('reopens every store when a trial fails', async () => {
    const name = `failed-trial-${names++}`;
    let now = Date.now();
    const clock = { now: () => now };
    const options = { halfOpenMaxCalls: 1, openDurationMs: 5_000, clock };
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name, options);
    const b = breakerIn(two, name, options);
    await availableNow(one, two);
    const opened = nextStateChange(a);
    b.tryAcquire()?.failure(boom);
    await opened;
    now += 5_000;
    let trial: Permit | null = null;
    await until(() => {
      trial = a.tryAcquire();
      expect(trial).not.toBeNull();
    });
    const reopened = nextStateChange(b, (c) => c.to === 'open');
    (trial as Permit | null)?.failure(boom);
    expect(await reopened).toMatchObject({ from: 'half-open', reason: 'fleet', attempt: 2 });
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('converges when two stores change the state at once', async () => {
    const name = `race-${names++}`;
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name);
    const b = breakerIn(two, name);
    await availableNow(one, two);
    const moves: Array<[(x: CircuitBreaker) => void, (x: CircuitBreaker) => void]> = [
      [(x) => x.isolate(), (x) => x.reset()],
      [(x) => x.disable(), (x) => x.isolate()],
      [(x) => x.tryAcquire()?.failure(boom), (x) => x.disable()],
      [(x) => x.reset(), (x) => x.isolate()],
    ];
    for (let round = 0; round < 20; round++) {
      const [first, second] = moves[round % moves.length] as (typeof moves)[number];
      first(round % 2 === 0 ? a : b);
      second(round % 2 === 0 ? b : a);
      await until(async () => {
        const stored = await storedState(name);
        expect(a.state).toBe(b.state);
        expect(a.toJSON()).toEqual(b.toJSON());
        expect(stored.st).toBe(a.state);
      });
    }
  });

  it('lets go of a breaker that leaves its registry', async () => {
    const name = `unbind-${names++}`;
    const [one, two] = [await newStore(), await newStore()];
    const registry = new BreakerRegistry({ store: one, defaults: { minimumCalls: 1 } });
    const leaving = registry.get(name);
    const staying = breakerIn(one, name);
    const other = breakerIn(two, name);
    await availableNow(one, two);
    registry.delete(name);
    const opened = nextStateChange(staying);
    other.tryAcquire()?.failure(boom);
    await opened;
    expect(leaving.state).toBe('closed');
  });

  it('puts counts still buffered into Redis on close, then leaves its breakers alone', async () => {
    const name = `close-${names++}`;
    const [one, two] = [await newStore({ flushIntervalMs: 60_000 }), await newStore()];
    const a = breakerIn(one, name, { minimumCalls: 100 });
    const b = breakerIn(two, name);
    await availableNow(one, two);
    for (let i = 0; i < 7; i++) a.tryAcquire()?.success();
    await one.close();
    expect(one.available).toBe(false);
    expect(await storedCalls(name)).toBe(7);
    // a no longer follows the fleet, and its calls go on.
    b.tryAcquire()?.failure(boom);
    await until(async () => expect((await storedState(name)).st).toBe('open'));
    expect(a.state).toBe('closed');
    expect(a.tryAcquire()).not.toBeNull();
  });

  it('puts the counts of a breaker that leaves its registry into Redis with the next flush', async () => {
    const name = `leave-counts-${names++}`;
    const one = await newStore({ flushIntervalMs: 50 });
    const registry = new BreakerRegistry({ store: one, defaults: { minimumCalls: 100 } });
    const leaving = registry.get(name);
    await availableNow(one);
    // Recorded and let go of in one turn of the event loop: no flush between the two.
    for (let i = 0; i < 7; i++) leaving.tryAcquire()?.success();
    registry.delete(name);
    await until(async () => expect(await storedCalls(name)).toBe(7));
  });

  it('puts the counts of a disposed breaker into Redis on close, once', async () => {
    const name = `dispose-counts-${names++}`;
    const one = await newStore({ flushIntervalMs: 60_000 });
    const a = breakerIn(one, name, { minimumCalls: 100 });
    await availableNow(one);
    for (let i = 0; i < 7; i++) a.tryAcquire()?.success();
    a.dispose();
    // A breaker of the same name that comes before the flush adds to the same counts.
    const b = breakerIn(one, name, { minimumCalls: 100 });
    for (let i = 0; i < 3; i++) b.tryAcquire()?.success();
    b.dispose();
    await one.close();
    expect(await storedCalls(name)).toBe(10);
  });

  it('sets an expiry on every key it writes', async () => {
    const name = `ttl-${names++}`;
    let now = Date.now();
    const clock = { now: () => now };
    const options = {
      stateTtlMs: 120_000,
      windowMs: 4_000,
      bucketMs: 500,
      flushIntervalMs: 50,
    } as const;
    const [one, two] = [await newStore(options), await newStore(options)];
    const a = breakerIn(one, name, { clock, minimumCalls: 3, openDurationMs: 5_000 });
    const b = breakerIn(two, name, { clock, minimumCalls: 3, openDurationMs: 5_000 });
    await availableNow(one, two);
    a.tryAcquire()?.success();
    b.tryAcquire()?.failure(boom);
    await until(async () => expect(await storedCalls(name)).toBe(2));
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    a.tryAcquire()?.failure(boom);
    await opened;
    now += 5_000;
    await until(() => expect(a.tryAcquire()).not.toBeNull());
    const keys = await admin.keys(`${prefix}{${name}}*`);
    expect(keys.sort()).toEqual(
      expect.arrayContaining([`${prefix}{${name}}:state`, `${prefix}{${name}}:trials`]),
    );
    // The counts live in the state hash: two keys per breaker, both expiring.
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      const ttl = await admin.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(120_000);
    }
  });

  it('keeps every key of a breaker under one hash tag, whatever its name', async () => {
    const id = `tagged-${names++}`;
    const name = `pay{ments}%${id}`;
    const store = await newStore({ flushIntervalMs: 50 });
    const breaker = breakerIn(store, name, { minimumCalls: 100 });
    await availableNow(store);
    breaker.tryAcquire()?.success();
    const pattern = `${prefix}*${id}*`;
    const tag = `pay%7Bments%7D%25${id}`;
    // The state hash (which holds the counts); the trials key comes with a half-open state.
    await until(async () => expect(await storedCalls(tag)).toBe(1));
    expect(await admin.keys(pattern)).toHaveLength(1);
    for (const key of await admin.keys(pattern)) {
      expect(key.startsWith(`${prefix}{${tag}}:`), key).toBe(true);
      // Redis hashes what lies between the first { and the first } after it.
      expect(key.slice(key.indexOf('{') + 1, key.indexOf('}')), key).toBe(tag);
    }
  });
});
