// Redis Cluster: a real one-node cluster (cluster mode on, every slot assigned), which refuses any
// script whose keys hash to different slots (CROSSSLOT), with each library's cluster client.
// Every key of a breaker carries its name as a hash tag, so each breaker lives in one slot.
import { CircuitBreaker, type CircuitBreakerOptions, type Permit } from '@tripswitch/core';
import { type RedisServer, startRedisServer } from '@tripswitch/redis-server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { RedisBreakerStore } from '../src/index.ts';
import { adminClient } from './support/admin.ts';
import { type ClusterKind, clusterKinds, connectClusterClient } from './support/clients.ts';
import { bindProbe } from './support/probe-circuit.ts';
import { nextStateChange, until } from './support/waiting.ts';

const boom = new Error('boom');
let server: RedisServer;
let admin: Redis;

beforeAll(async () => {
  // A lone node knows no address of its own to report in CLUSTER SLOTS unless told one.
  server = await startRedisServer({
    args: ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'],
  });
  admin = adminClient(server.url);
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  await until(async () => expect(await admin.call('CLUSTER', 'INFO')).toMatch(/cluster_state:ok/), {
    timeout: 10_000,
  });
});

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

it('refuses a script whose keys are in different slots (so the checks below can fail)', async () => {
  await expect(
    admin.eval(
      "return redis.call('GET', KEYS[2])",
      2,
      'tripswitch:{a}:state',
      'tripswitch:{b}:state',
    ),
  ).rejects.toThrow(/CROSSSLOT/);
});

describe.each(clusterKinds)('with %s', (kind: ClusterKind) => {
  const prefix = `cluster:${kind.replaceAll(' ', '')}:`;

  async function newStore() {
    const { client, close } = await connectClusterClient(kind, server.port);
    const store = new RedisBreakerStore({ client, prefix, flushIntervalMs: 50 });
    onTestFinished(async () => {
      await store.close();
      await close();
    });
    return store;
  }

  function breakerIn(store: RedisBreakerStore, name: string, options: CircuitBreakerOptions = {}) {
    const breaker = new CircuitBreaker({ name, store, openDurationMs: 5_000, ...options });
    onTestFinished(() => breaker.dispose());
    return breaker;
  }

  it('shares state, counts and trials, with every key of a breaker in one slot', async () => {
    const name = 'payments';
    let now = Date.now();
    const clock = { now: () => now };
    const options = { clock, minimumCalls: 4, halfOpenMaxCalls: 2 };
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name, options);
    const b = breakerIn(two, name, options);
    await until(() => expect(one.available && two.available).toBe(true), { timeout: 10_000 });

    // Counts from both stores trip them together; the transition reaches the other store.
    const probe = bindProbe(one, name);
    a.tryAcquire()?.failure(boom);
    a.tryAcquire()?.failure(boom);
    b.tryAcquire()?.failure(boom);
    await until(() => expect(probe.binding.fleetCounts(now)?.calls).toBe(3));
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    const opened = nextStateChange(b, (c) => c.to === 'open');
    a.tryAcquire()?.failure(boom);
    expect(a.state).toBe('open');
    await opened;

    // Trials are granted fleet-wide.
    now += 5_000;
    const permits: Permit[] = [];
    await until(() => {
      for (const breaker of [a, b]) {
        const permit = breaker.tryAcquire();
        if (permit !== null) permits.push(permit);
      }
      expect(permits).toHaveLength(2);
    });
    expect(a.tryAcquire() ?? b.tryAcquire()).toBeNull();

    const keys = await admin.keys(`${prefix}*`);
    // The counts live in the state hash.
    expect(keys.sort()).toEqual([`${prefix}{${name}}:state`, `${prefix}{${name}}:trials`]);
    const slots = await Promise.all(keys.map((key) => admin.call('CLUSTER', 'KEYSLOT', key)));
    expect(new Set(slots).size).toBe(1);
    expect(slots[0]).toBe(await admin.call('CLUSTER', 'KEYSLOT', `{${name}}`));

    const closed = nextStateChange(b, (c) => c.to === 'closed');
    for (const permit of permits) permit.success();
    await closed;
  });
});
