// Redis slow, hung, killed, restarted, flushed: no call fails or waits because of the store, the store
// reports the outage and the recovery, and the fleet's state comes back. Each client library
// against a redis-server of this file's own, which the tests kill by its PID and restart.
import { CircuitBreaker, type CircuitBreakerOptions } from '@tripswitch/core';
import { type RedisServer, startRedisServer } from '@tripswitch/redis-server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { RedisBreakerStore, type RedisBreakerStoreOptions } from '../src/index.ts';
import { adminClient } from './support/admin.ts';
import { type ClientKind, clientKinds, connectClient, restartRetries } from './support/clients.ts';
import { nextStateChange, nextStoreEvent, until } from './support/waiting.ts';

const boom = new Error('boom');
let server: RedisServer;
let admin: Redis;
let names = 0;

beforeAll(async () => {
  server = await startRedisServer();
  admin = adminClient(server.url);
});

afterAll(async () => {
  admin.disconnect();
  await server.stop();
});

/** Runs `call` and tells whether it settled before the event loop reached I/O: it did not wait. */
async function settlesWithoutWaiting<T>(call: () => Promise<T>): Promise<T | 'waited'> {
  const waited = new Promise<'waited'>((resolve) => setImmediate(() => resolve('waited')));
  return Promise.race([call(), waited]);
}

describe.each(clientKinds)('with %s, when Redis', (kind: ClientKind) => {
  const prefix = `outage:${kind.replace(' ', '')}:`;
  const quick = { commandTimeoutMs: 200, retryIntervalMs: 100, syncIntervalMs: 200 };

  async function newStore(options: Partial<RedisBreakerStoreOptions> = {}) {
    const { client, close } = await connectClient(kind, server.url);
    const store = new RedisBreakerStore({ client, prefix, ...quick, ...options });
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

  it('is killed and restarted: calls go on, the store reports both, the state comes back', {
    retry: restartRetries(kind),
  }, async () => {
    const name = `killed-${names++}`;
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name);
    const b = breakerIn(two, name);
    await availableNow(one, two);

    const errors = [nextStoreEvent(one, 'storeError'), nextStoreEvent(two, 'storeError')];
    await server.kill();
    for (const { error } of await Promise.all(errors)) expect(error).toBeDefined();
    expect([one.available, two.available]).toEqual([false, false]);

    // Each breaker decides alone, at once: a opens, b goes on calling.
    a.tryAcquire()?.failure(boom);
    expect(a.state).toBe('open');
    for (let i = 0; i < 20; i++) {
      expect(await settlesWithoutWaiting(() => b.execute(async () => 'ok'))).toBe('ok');
    }
    expect(b.state).toBe('closed');
    expect(b.stats().totals).toMatchObject({ successes: 20, failures: 0, rejected: 0 });

    const recovered = [
      nextStoreEvent(one, 'storeRecovered'),
      nextStoreEvent(two, 'storeRecovered'),
    ];
    const bOpens = nextStateChange(b);
    await server.restart();
    for (const { unavailableMs } of await Promise.all(recovered)) {
      expect(unavailableMs).toBeGreaterThan(0);
    }
    // The restarted Redis was empty: a put its newer state back, and b took it on.
    expect(await bOpens).toMatchObject({ to: 'open', reason: 'fleet' });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(await admin.hgetall(`${prefix}{${name}}:state`)).toMatchObject({ v: '1', st: 'open' });
  });

  it('is hung (SIGSTOP for 5 s): calls settle while it is stopped, then the stores converge', async () => {
    const name = `hung-${names++}`;
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name);
    const b = breakerIn(two, name);
    await availableNow(one, two);
    const errors = [nextStoreEvent(one, 'storeError'), nextStoreEvent(two, 'storeError')];
    const stoppedAt = performance.now();
    process.kill(server.pid, 'SIGSTOP');
    let continued = false;
    onTestFinished(() => {
      if (!continued) process.kill(server.pid, 'SIGCONT');
    });
    a.tryAcquire()?.success(); // counted: the next flush asks the hung server and times out
    b.tryAcquire()?.success();
    await Promise.all(errors);
    // While Redis is stopped: a opens alone, b's calls go on, none waits on the store.
    a.tryAcquire()?.failure(boom);
    expect(a.state).toBe('open');
    for (let i = 0; i < 20; i++) {
      expect(await settlesWithoutWaiting(() => b.execute(async () => 'ok'))).toBe('ok');
    }
    expect(b.stats().totals).toMatchObject({ successes: 21, failures: 0, rejected: 0 });
    // Hold the fault for its full length (a wait, not a measure: nothing is asserted on it).
    const left = 5_000 - (performance.now() - stoppedAt);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, left)));
    const recovered = [
      nextStoreEvent(one, 'storeRecovered'),
      nextStoreEvent(two, 'storeRecovered'),
    ];
    const bOpens = nextStateChange(b, (c) => c.to === 'open', 20_000);
    process.kill(server.pid, 'SIGCONT');
    continued = true;
    await Promise.all(recovered);
    expect(await bOpens).toMatchObject({ reason: 'fleet' });
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('is slow: calls do not wait, commands time out, and the store recovers', async () => {
    const name = `slow-${names++}`;
    const [one, two] = [await newStore({ flushIntervalMs: 50 }), await newStore()];
    const a = breakerIn(one, name, { minimumCalls: 100 });
    const b = breakerIn(two, name);
    await availableNow(one, two);

    const error = nextStoreEvent(one, 'storeError');
    // Long enough that the next flush (every 50 ms) meets it however busy the machine is.
    await admin.call('CLIENT', 'PAUSE', '5000', 'ALL');
    a.tryAcquire()?.success(); // counted, so the next flush asks Redis and waits in vain
    expect((await error).error).toMatchObject({ message: expect.stringMatching(/within 200 ms/) });
    for (let i = 0; i < 20; i++) {
      expect(await settlesWithoutWaiting(() => a.execute(async () => 'ok'))).toBe('ok');
    }
    a.isolate(); // while Redis cannot take it

    const recovered = nextStoreEvent(one, 'storeRecovered', 20_000);
    const bIsolated = nextStateChange(b, (c) => c.to === 'forced-open', 20_000);
    await recovered;
    expect(await bIsolated).toMatchObject({ reason: 'fleet' });
  });

  it('is flushed: the state is put back, and scripts are loaded again', async () => {
    const name = `flushed-${names++}`;
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name);
    const b = breakerIn(two, name);
    await availableNow(one, two);
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    await opened;

    let storeErrors = 0;
    one.on('storeError', () => storeErrors++);
    two.on('storeError', () => storeErrors++);
    await admin.flushall();
    await admin.script('FLUSH');
    await until(async () =>
      expect(await admin.hgetall(`${prefix}{${name}}:state`)).toMatchObject({ v: '1', st: 'open' }),
    );
    // A transition after SCRIPT FLUSH still reaches the other store (EVALSHA falls back to EVAL).
    const closed = nextStateChange(a, (c) => c.to === 'closed');
    b.reset();
    expect(await closed).toMatchObject({ reason: 'fleet' });
    expect(storeErrors).toBe(0);
  });

  it('is down when the store starts: breakers decide alone until it comes', {
    retry: restartRetries(kind),
  }, async () => {
    const name = `down-at-start-${names++}`;
    const { client, close } = await connectClient(kind, server.url);
    onTestFinished(close);
    await server.kill();
    onTestFinished(async () => {
      if (!server.running) await server.restart();
    });
    const store = new RedisBreakerStore({ client, prefix, ...quick });
    onTestFinished(() => store.close());
    const error = nextStoreEvent(store, 'storeError');
    const a = breakerIn(store, name);
    await error;
    a.isolate();
    expect(
      await settlesWithoutWaiting(() => a.execute(async () => 'ok').catch(() => 'refused')),
    ).toBe('refused');
    const recovered = nextStoreEvent(store, 'storeRecovered');
    await server.restart();
    await recovered;
    await until(async () =>
      expect(await admin.hgetall(`${prefix}{${name}}:state`)).toMatchObject({
        v: '1',
        st: 'forced-open',
      }),
    );
  });
});
