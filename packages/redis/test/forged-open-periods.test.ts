// An open period in Redis that no breaker sets — one that begins far ahead of a replica's clock
// (forged, or published by a replica whose clock runs years ahead), or lasts longer than any
// duration may — holds no replica open for years: each breaker takes it bounded on its own clock
// (see StoreCircuit.adopt), and the store reports it. It leaves the state in Redis (which clock
// is wrong cannot be told), and the fleet follows the half-open state a breaker publishes when
// its bounded period ends. An honest state from a clock a little ahead, and a period held open by
// a Retry-After (also one that lengthens a period already open), are taken as they are. Against a real redis-server, two stores with a breaker
// each, on clocks the test drives: the spoiled state is one both breakers follow.
import { CircuitBreaker, type Permit } from '@tripswitch/core';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { RedisBreakerStore, type RedisStoreEvents, StoreDataError } from '../src/index.ts';
import { breakerKeys } from '../src/keys.ts';
import { adminClient } from './support/admin.ts';
import { connectClient } from './support/clients.ts';
import { nextStateChange, until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());
const tenYears = 10 * 365 * 86_400_000;
const longest = 2_147_483_647;
const openMs = 5_000;
const boom = new Error('boom');
let names = 0;

describe.each(['ioredis 6', 'node-redis 6'] as const)('with %s, two breakers', (kind) => {
  const prefix = `forged-open:${kind.replace(' ', '')}:`;

  /**
   * Breakers `a` and `b` of one new name, in stores of their own, on one time the test moves;
   * `a`'s clock reads `aheadMs` more than `b`'s.
   */
  async function pair(aheadMs = 0) {
    const name = `forged-${names++}`;
    let now = 1_000_000;
    const clocks = [{ now: () => now + aheadMs }, { now: () => now }];
    const events: RedisStoreEvents['storeError'][] = [];
    const breakers: CircuitBreaker[] = [];
    const stores: RedisBreakerStore[] = [];
    for (const clock of clocks) {
      const { client, close } = await connectClient(kind, url);
      const store = new RedisBreakerStore({
        client,
        prefix,
        flushIntervalMs: 50,
        syncIntervalMs: 100,
      });
      store.on('storeError', (e) => events.push(e));
      const breaker = new CircuitBreaker({
        name,
        store,
        clock,
        minimumCalls: 1,
        halfOpenMaxCalls: 1,
        openDurationMs: openMs,
      });
      onTestFinished(async () => {
        breaker.dispose();
        await store.close();
        await close();
      });
      breakers.push(breaker);
      stores.push(store);
    }
    const [a, b] = breakers as [CircuitBreaker, CircuitBreaker];
    const keys = breakerKeys(prefix, name);
    await until(() => expect(stores.every((store) => store.available)).toBe(true));
    const stored = async () => JSON.parse((await admin.hget(keys.state, 's')) as string);
    /** Opens the circuit on `a`; resolves once `b` follows. */
    const open = async () => {
      const opened = nextStateChange(b);
      a.tryAcquire()?.failure(boom);
      return opened;
    };
    /** Writes `state` with `period` at the version after Redis's, and announces it. */
    const forge = async (state: string, period: Record<string, number>) => {
      const version = Number(await admin.hget(keys.state, 'v')) + 1;
      const json = JSON.stringify({ version, state, ...period });
      await admin.hset(keys.state, 'v', version, 'st', state, 's', json, 'ok', 0);
      await admin.publish(`${prefix}transitions`, `{"n":${JSON.stringify(name)},"s":${json}}`);
      return version;
    };
    const reported = () =>
      until(() =>
        expect(events.some((e) => e.name === name && e.error instanceof StoreDataError)).toBe(true),
      );
    /** A trial from either replica, once one admits it. */
    const trial = () =>
      until(() => {
        const permit = a.tryAcquire() ?? b.tryAcquire();
        expect(permit).not.toBeNull();
        return permit as Permit;
      });
    return {
      a,
      b,
      keys,
      events,
      stored,
      open,
      forge,
      reported,
      trial,
      now: () => now,
      advance: (ms: number) => (now += ms),
    };
  }

  it('a forged open period that begins ten years ahead holds each replica open as long as it lasts, from now', async () => {
    const { a, b, events, stored, open, forge, reported, trial, now, advance } = await pair();
    await open();
    const t = now();
    const version = await forge('open', {
      openedAt: t + tenYears,
      openUntil: t + tenYears + openMs,
      attempt: 1,
    });
    await reported();
    const bounded = { state: 'open', openedAt: t, openUntil: t + openMs, attempt: 1 };
    await until(() => expect([a.toJSON(), b.toJSON()]).toMatchObject([bounded, bounded]));
    // Left in Redis: which clock is wrong cannot be told from one replica.
    expect(await stored()).toMatchObject({ version, openedAt: t + tenYears });
    expect(a.tryAcquire() ?? b.tryAcquire()).toBeNull();
    advance(openMs);
    // Either replica admits a trial once the period is over on its clock, and it closes both.
    (await trial()).success();
    await until(() => expect([a.state, b.state]).toEqual(['closed', 'closed']));
    expect(events.every((e) => e.error instanceof StoreDataError)).toBe(true);
  });

  it('a forged open period of ten years is cut to the longest duration', async () => {
    const { a, b, open, forge, reported, trial, now, advance } = await pair();
    await open();
    const t = now();
    await forge('open', { openedAt: t, openUntil: t + tenYears, attempt: 1 });
    await reported();
    const bounded = { state: 'open', openedAt: t, openUntil: t + longest, attempt: 1 };
    await until(() => expect([a.toJSON(), b.toJSON()]).toMatchObject([bounded, bounded]));
    advance(longest);
    (await trial()).success();
    await until(() => expect([a.state, b.state]).toEqual(['closed', 'closed']));
  });

  it('a forged half-open state that begins ten years ahead leases a trial for no longer than its period', async () => {
    const { a, b, keys, open, forge, reported, trial, now } = await pair();
    await open();
    const t = now();
    await forge('half-open', {
      openedAt: t + tenYears,
      openUntil: t + tenYears + openMs,
      attempt: 1,
    });
    await until(() => expect([a.state, b.state]).toEqual(['half-open', 'half-open']));
    await reported();
    await trial();
    const [seconds, micros] = await admin.time();
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const [, score] = await admin.zrange(keys.trials, '0', '0', 'WITHSCORES');
    expect(Number(score) - redisNow).toBeLessThanOrEqual(openMs);
  });

  it('a replica whose clock runs ten years ahead holds the other open for the period’s length only, and is left alone', async () => {
    const { a, b, stored, open, reported, now, advance } = await pair(tenYears);
    const change = await open();
    const t = now();
    // b took the period a opened, ten years ahead on b's clock, to begin now.
    expect(change).toMatchObject({ to: 'open', reason: 'fleet', openUntil: t + openMs });
    await reported();
    // a's state stays as a wrote it, in Redis and in a.
    expect(await stored()).toMatchObject({
      openedAt: t + tenYears,
      openUntil: t + tenYears + openMs,
    });
    expect(a.toJSON()).toMatchObject({ state: 'open', openUntil: t + tenYears + openMs });
    expect(b.tryAcquire()).toBeNull();
    advance(openMs);
    // Over on b's clock: b starts the trials (the first call may wait for the fleet's grant).
    await until(() => expect(b.tryAcquire()).not.toBeNull());
  });

  it('a period a Retry-After holds open longer than the open duration is followed as it is, and not reported', async () => {
    const { a, b, events, stored, now, advance } = await pair();
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom, { retryAfterMs: 60_000 });
    const change = await opened;
    expect(change).toMatchObject({ to: 'open', reason: 'fleet', openUntil: now() + 60_000 });
    expect(await stored()).toMatchObject({ openUntil: now() + 60_000 });
    advance(openMs);
    expect(a.tryAcquire() ?? b.tryAcquire()).toBeNull();
    expect(events).toEqual([]);
  });

  it('a Retry-After that lengthens a period already open is followed by the fleet, and not reported', async () => {
    const { a, b, events, stored, open, now, advance } = await pair();
    const inFlight = a.tryAcquire(); // admitted while closed, answered once the circuit is open
    await open();
    inFlight?.failure(boom, { retryAfterMs: 60_000 });
    expect(a.toJSON()).toMatchObject({ state: 'open', openUntil: now() + 60_000 });
    await until(() => expect(b.toJSON()).toEqual(a.toJSON()));
    expect(await stored()).toMatchObject({ state: 'open', openUntil: now() + 60_000 });
    advance(openMs);
    expect(a.tryAcquire() ?? b.tryAcquire()).toBeNull();
    expect(events).toEqual([]);
  });

  it('a replica whose clock runs two seconds ahead is followed as it is, and not reported', async () => {
    const { a, b, events, stored, open, now } = await pair(2_000);
    const change = await open();
    // b's adoption (and any report of it) happened before its stateChange resolved.
    expect(change).toMatchObject({ to: 'open', openUntil: now() + 2_000 + openMs });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(await stored()).toMatchObject({ openUntil: now() + 2_000 + openMs });
    expect(events).toEqual([]);
  });
});
