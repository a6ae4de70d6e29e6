// A real Redis Cluster of three masters on loopback (Debian's redis-server), with each library's
// cluster client: breaker names spread over the shards, and a master hung (SIGSTOP for 5 s),
// killed with SIGKILL and restarted, or flushed fails no call and keeps none waiting — each call
// settles while the master is still down — and the stores converge afterwards.
import { CircuitBreaker, type CircuitBreakerOptions } from '@tripswitch/core';
import { type RedisCluster, rawCommand, startRedisCluster } from '@tripswitch/redis-server';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { RedisBreakerStore } from '../src/index.ts';
import { type ClusterKind, clusterKinds, connectClusterClient } from './support/clients.ts';
import { nextStateChange, nextStoreEvent, until } from './support/waiting.ts';

const boom = new Error('boom');
const hungMs = 5_000;
let cluster: RedisCluster;
let names = 0;

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

/** The master that holds `key`. */
async function masterOf(key: string) {
  const slot = Number(
    await rawCommand(cluster.nodes[0]?.port as number, ['CLUSTER', 'KEYSLOT', key]),
  );
  return cluster.nodeForSlot(slot);
}

/** Runs `call` and tells whether it settled before the event loop reached I/O: it did not wait. */
async function settlesWithoutWaiting<T>(call: () => Promise<T>): Promise<T | 'waited'> {
  const waited = new Promise<'waited'>((resolve) => setImmediate(() => resolve('waited')));
  return Promise.race([call(), waited]);
}

describe.each(clusterKinds)('a 3-master cluster with %s', (kind: ClusterKind) => {
  const prefix = `faults:${kind.replaceAll(' ', '')}:`;
  const quick = {
    commandTimeoutMs: 200,
    retryIntervalMs: 100,
    syncIntervalMs: 200,
    flushIntervalMs: 100,
  };

  async function newStore() {
    const { client, close } = await connectClusterClient(kind, cluster.nodes[0]?.port as number);
    const store = new RedisBreakerStore({ client, prefix, ...quick });
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

  async function pair(name: string) {
    const [one, two] = [await newStore(), await newStore()];
    const a = breakerIn(one, name);
    const b = breakerIn(two, name);
    await until(() => expect(one.available && two.available).toBe(true));
    return { one, two, a, b };
  }

  async function stateOf(name: string) {
    const key = `${prefix}{${name}}:state`;
    const master = await masterOf(key);
    return rawCommand(master.port, ['HGET', key, 'st']).catch(() => undefined);
  }

  it('spreads breakers over the shards, and shares each', async () => {
    // Four names on each master.
    const perMaster = new Map(cluster.nodes.map((node) => [node, [] as string[]]));
    for (let i = 0; [...perMaster.values()].some((list) => list.length < 4); i++) {
      const name = `spread-${i}-${names}`;
      const list = perMaster.get(await masterOf(`${prefix}{${name}}:state`)) as string[];
      if (list.length < 4) list.push(name);
    }
    names++;
    const stores = [await newStore(), await newStore()] as const;
    const breakers = [...perMaster.values()].flat().map((name) => ({
      a: breakerIn(stores[0], name),
      b: breakerIn(stores[1], name),
    }));
    await until(() => expect(stores.every((s) => s.available)).toBe(true));
    for (const { a, b } of breakers) {
      const opened = nextStateChange(b);
      a.tryAcquire()?.failure(boom);
      expect(await opened).toMatchObject({ to: 'open', reason: 'fleet' });
    }
    // Each master holds the state of its four.
    for (const [node, list] of perMaster) {
      for (const name of list) {
        expect(await rawCommand(node.port, ['HGET', `${prefix}{${name}}:state`, 'st'])).toBe(
          'open',
        );
      }
    }
  });

  it(`is hung (SIGSTOP for ${hungMs / 1_000} s): calls settle while it is stopped, then the stores converge`, async () => {
    const name = `hung-${names++}`;
    const { one, two, a, b } = await pair(name);
    const master = await masterOf(`${prefix}{${name}}:state`);
    const errors = [nextStoreEvent(one, 'storeError'), nextStoreEvent(two, 'storeError')];
    const stoppedAt = performance.now();
    process.kill(master.pid, 'SIGSTOP');
    let continued = false;
    onTestFinished(() => {
      if (!continued) process.kill(master.pid, 'SIGCONT');
    });
    a.tryAcquire()?.success(); // counted: the next flush asks the hung master and times out
    b.tryAcquire()?.success();
    await Promise.all(errors);
    // While the master is stopped: a opens alone, b's calls go on, none waits on the store.
    a.tryAcquire()?.failure(boom);
    expect(a.state).toBe('open');
    for (let i = 0; i < 20; i++) {
      expect(await settlesWithoutWaiting(() => b.execute(async () => 'ok'))).toBe('ok');
    }
    expect(b.stats().totals).toMatchObject({ successes: 21, failures: 0, rejected: 0 });
    // Hold the fault for its full length (a wait, not a measure: nothing is asserted on it).
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, hungMs - (performance.now() - stoppedAt))),
    );
    const recovered = [
      nextStoreEvent(one, 'storeRecovered'),
      nextStoreEvent(two, 'storeRecovered'),
    ];
    const bOpens = nextStateChange(b, (c) => c.to === 'open');
    process.kill(master.pid, 'SIGCONT');
    continued = true;
    await Promise.all(recovered);
    expect(await bOpens).toMatchObject({ reason: 'fleet' });
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('has a master killed (SIGKILL) and restarted: calls settle while it is down, the state comes back', async () => {
    const name = `killed-${names++}`;
    const { one, two, a, b } = await pair(name);
    const master = await masterOf(`${prefix}{${name}}:state`);
    const errors = [nextStoreEvent(one, 'storeError'), nextStoreEvent(two, 'storeError')];
    await master.kill();
    onTestFinished(async () => {
      if (!master.running) await master.restart();
      await cluster.ready();
    });
    a.tryAcquire()?.success();
    b.tryAcquire()?.success();
    await Promise.all(errors);
    a.tryAcquire()?.failure(boom);
    expect(a.state).toBe('open');
    for (let i = 0; i < 20; i++) {
      expect(await settlesWithoutWaiting(() => b.execute(async () => 'ok'))).toBe('ok');
    }
    const recovered = [
      nextStoreEvent(one, 'storeRecovered'),
      nextStoreEvent(two, 'storeRecovered'),
    ];
    const bOpens = nextStateChange(b, (c) => c.to === 'open');
    await master.restart();
    await cluster.ready();
    await Promise.all(recovered);
    // The restarted master was empty: a put its state back, and b took it on.
    expect(await bOpens).toMatchObject({ reason: 'fleet' });
    await until(async () => expect(await stateOf(name)).toBe('open'));
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('is flushed on every master: the state is put back, and no store reports an outage', async () => {
    const name = `flushed-${names++}`;
    const { one, two, a, b } = await pair(name);
    let outages = 0;
    for (const store of [one, two])
      store.on('storeError', ({ name: about }) => about === undefined && outages++);
    const opened = nextStateChange(b);
    a.tryAcquire()?.failure(boom);
    await opened;
    await Promise.all(cluster.nodes.map((node) => rawCommand(node.port, ['FLUSHALL'])));
    await Promise.all(cluster.nodes.map((node) => rawCommand(node.port, ['SCRIPT', 'FLUSH'])));
    await until(async () => expect(await stateOf(name)).toBe('open'));
    const closed = nextStateChange(a, (c) => c.to === 'closed');
    b.reset();
    expect(await closed).toMatchObject({ reason: 'fleet' });
    expect(outages).toBe(0);
  });
});
