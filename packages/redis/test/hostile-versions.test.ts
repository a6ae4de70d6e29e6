// Nothing written to Redis or published on the channel can freeze the fleet: a message that
// fails validation is ignored and reported, a message is never believed without reading Redis,
// and an operator's isolate or reset on any store reaches every store, whatever version was
// written before — the top of the ring, past 2^53, or half a ring away. Several stores, each
// with its own client, against a real redis-server; then a property test over random mixes of
// hostile writes and operator actions.
import { CircuitBreaker, type CircuitState } from '@tripswitch/core';
import fc from 'fast-check';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { RedisBreakerStore, type RedisStoreEvents, StoreDataError } from '../src/index.ts';
import { breakerKeys } from '../src/keys.ts';
import { type PutMode, putModeArg, putState } from '../src/scripts.ts';
import { adminClient } from './support/admin.ts';
import { type ClientKind, connectClient } from './support/clients.ts';
import { nextStateChange, until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());
const boom = new Error('boom');
let names = 0;

/** Three stores, each with its own client and breaker; `syncIntervalsMs` sets each one's sync. */
async function fleetOf(
  kind: ClientKind,
  prefix: string,
  name: string,
  syncIntervalsMs: readonly number[] = [200, 200, 200],
) {
  const stores: RedisBreakerStore[] = [];
  const errors: RedisStoreEvents['storeError'][] = [];
  const breakers: CircuitBreaker[] = [];
  for (const syncIntervalMs of syncIntervalsMs) {
    const { client, close } = await connectClient(kind, url);
    const store = new RedisBreakerStore({ client, prefix, flushIntervalMs: 50, syncIntervalMs });
    store.on('storeError', (event) => errors.push(event));
    const breaker = new CircuitBreaker({ name, store, minimumCalls: 1, openDurationMs: 60_000 });
    onTestFinished(async () => {
      breaker.dispose();
      await store.close();
      await close();
    });
    stores.push(store);
    breakers.push(breaker);
  }
  await until(() => expect(stores.every((s) => s.available)).toBe(true));
  const key = `${prefix}{${name}}:state`;
  return { stores, breakers, errors, key };
}

/** Waits until every breaker is in `state`, and Redis holds it. */
async function everywhere(breakers: CircuitBreaker[], key: string, state: CircuitState) {
  await until(async () => {
    expect(breakers.map((b) => b.state)).toEqual(breakers.map(() => state));
    expect(await admin.hget(key, 'st')).toBe(state);
  });
}

function stateJson(version: number | string, state: string): string {
  return `{"version":${version},"state":"${state}"}`;
}

describe.each(['ioredis 6', 'node-redis 6'] as const)('with %s', (kind) => {
  const prefix = `versions:${kind.replace(' ', '')}:`;
  const channel = `${prefix}transitions`;

  it('ignores and reports a message with a version past 2^53; reset still reaches everyone', async () => {
    const name = `huge-message-${names++}`;
    const { breakers, errors, key } = await fleetOf(kind, prefix, name);
    const [a, b, c] = breakers as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
    await admin.publish(
      channel,
      JSON.stringify({ n: name, s: { version: 9007199254740991, state: 'forced-open' } }),
    );
    await until(() => expect(errors.some((e) => e.error instanceof StoreDataError)).toBe(true));
    expect(breakers.map((x) => x.state)).toEqual(['closed', 'closed', 'closed']);
    a.isolate();
    await everywhere(breakers, key, 'forced-open');
    b.reset();
    await everywhere(breakers, key, 'closed');
    const opened = nextStateChange(a);
    c.tryAcquire()?.failure(boom);
    expect(await opened).toMatchObject({ to: 'open', reason: 'fleet' });
  });

  it('believes no message without reading Redis', async () => {
    const name = `lying-message-${names++}`;
    const { breakers, key } = await fleetOf(kind, prefix, name);
    const [a, b] = breakers as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
    const changes: string[] = [];
    for (const breaker of breakers) breaker.on('stateChange', (e) => changes.push(e.to));
    // Well formed, half a million versions ahead, and not what Redis holds.
    await admin.publish(
      channel,
      JSON.stringify({ n: name, s: { version: 500_000, state: 'forced-open' } }),
    );
    // Then an operator's reset: messages arrive in order, so by the time it is everywhere, the
    // lie was heard (and checked against Redis) too.
    a.disable();
    await everywhere(breakers, key, 'disabled');
    b.reset();
    await everywhere(breakers, key, 'closed');
    expect(changes).not.toContain('forced-open');
  });

  it.each([
    ['half a ring away', [2147483648], 'forced-open'],
    ['a million versions ahead', [1_000_000], 'disabled'],
    ['half a ring away, then near the top of the ring', [2147483648, 4294967290], 'forced-open'],
  ])(
    'follows a state written at %s, and is reset from it everywhere',
    async (_, versions, state) => {
      const name = `far-${names++}`;
      const { breakers, key } = await fleetOf(kind, prefix, name);
      const [a, b, c] = breakers as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
      // Anyone who can write to Redis can change the state ...
      for (const version of versions) {
        await admin.hset(key, 'v', String(version), 'st', state, 's', stateJson(version, state));
        await admin.publish(
          channel,
          JSON.stringify({ n: name, s: JSON.parse(stateJson(version, state)) }),
        );
        await everywhere(breakers, key, state as CircuitState);
      }
      // ... but cannot freeze it: an operator's reset on any store reaches every store, and every
      // version has a newer one (past the top, the ring goes on from 0).
      for (let i = 0; i < 4; i++) {
        c.reset();
        await everywhere(breakers, key, 'closed');
        b.disable();
        await everywhere(breakers, key, 'disabled');
      }
      c.reset();
      await everywhere(breakers, key, 'closed');
      if (versions.at(-1) === 4294967290)
        expect(Number(await admin.hget(key, 'v'))).toBeLessThan(10);
      // And the fleet goes on: a trip in one opens all, an isolate isolates all.
      const opened = nextStateChange(b, (e) => e.to === 'open');
      a.tryAcquire()?.failure(boom);
      await opened;
      b.isolate();
      await everywhere(breakers, key, 'forced-open');
    },
  );

  it('writes its own state over one a few versions behind', async () => {
    const name = `behind-${names++}`;
    const { breakers, key } = await fleetOf(kind, prefix, name);
    const [a] = breakers as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
    a.isolate();
    await everywhere(breakers, key, 'forced-open');
    const changes: string[] = [];
    for (const breaker of breakers) breaker.on('stateChange', (e) => changes.push(e.to));
    // The top of the ring is one behind 0: older than what the fleet holds, so written over.
    const behind = 4294967295;
    await admin.hset(
      key,
      'v',
      String(behind),
      'st',
      'disabled',
      's',
      stateJson(behind, 'disabled'),
    );
    await admin.publish(
      channel,
      JSON.stringify({ n: name, s: { version: behind, state: 'disabled' } }),
    );
    await until(async () => expect(await admin.hget(key, 'st')).toBe('forced-open'));
    expect(changes).toEqual([]);
  });

  it("takes an operator's action from a process that never saw the newest version", async () => {
    const name = `laggard-${names++}`;
    // The third process syncs once a minute: it learns of a state only from a message.
    const { breakers, key } = await fleetOf(kind, prefix, name, [200, 200, 60_000]);
    const [a, b, c] = breakers as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
    // A state written unannounced, 500 versions ahead: the two processes that sync follow it ...
    const ahead = Number(await admin.hget(key, 'v')) + 500;
    await admin.hset(key, 'v', ahead, 'st', 'forced-open', 's', stateJson(ahead, 'forced-open'));
    await until(() => expect([a.state, b.state]).toEqual(['forced-open', 'forced-open']));
    expect(c.state).toBe('closed');
    // ... and is lost before the third reads it.
    await admin.hset(key, 'v', 'lost', 'st', 'lost', 's', 'lost');
    // An operator disables the breaker on the third process, which writes at the version after
    // the one it knows, behind the other two: they take it all the same, rather than putting
    // back the state they are ahead with.
    c.disable();
    await everywhere(breakers, key, 'disabled');
    // While a state nobody marked as an operator's, written behind them, is still written over.
    const behind = (Number(await admin.hget(key, 'v')) + 2 ** 32 - 3) % 2 ** 32;
    await admin.hset(key, 'v', behind, 'st', 'closed', 's', stateJson(behind, 'closed'));
    await admin.publish(
      channel,
      JSON.stringify({ n: name, s: { version: behind, state: 'closed' } }),
    );
    await until(async () => expect(await admin.hget(key, 'st')).toBe('disabled'));
    expect(breakers.map((x) => x.state)).toEqual(['disabled', 'disabled', 'disabled']);
  });

  it('writes over a state whose version is past 2^53, and reports it', async () => {
    const name = `huge-state-${names++}`;
    const { breakers, errors, key } = await fleetOf(kind, prefix, name);
    const [a] = breakers as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
    const huge = '9007199254740991';
    await admin.hset(key, 'v', huge, 'st', 'forced-open', 's', stateJson(huge, 'forced-open'));
    await admin.publish(channel, JSON.stringify({ n: name, s: { version: 1, state: 'closed' } }));
    await until(async () => expect(await admin.hget(key, 'v')).not.toBe(huge));
    expect(errors.some((e) => e.name === name && e.error instanceof StoreDataError)).toBe(true);
    expect(breakers.map((x) => x.state)).toEqual(['closed', 'closed', 'closed']);
    a.isolate();
    await everywhere(breakers, key, 'forced-open');
  });
});

describe("a state put back, against an operator's state that landed since Redis was read", () => {
  // A process whose breaker is ahead (or that found nothing valid in Redis) puts its state back.
  // Meanwhile an operator's action may land, written by a process behind it, at the version the
  // put expects: found by the property test below (seed -1143018846), where the put wrote over
  // the operator's disable and the fleet ended closed.
  const { state: key, trials } = breakerKeys('versions:put-back:', 'payments');
  const put = (mode: PutMode) =>
    admin.eval(
      putState.source,
      2,
      key,
      trials,
      24,
      '"state":"closed"',
      'closed',
      'none',
      '"payments"',
      60_000,
      putModeArg[mode],
    ) as Promise<[number, unknown, number]>;
  const storeDisabled = (mark: string) =>
    admin.hset(key, 'v', '24', 'st', 'disabled', 's', `{"version":24,"state":"disabled"${mark}}`);

  it("a repair yields to the operator's state", async () => {
    await storeDisabled(',"by":"operator"');
    expect((await put('repair'))[0]).toBe(0);
    expect(await admin.hget(key, 'st')).toBe('disabled');
  });

  it('a repair writes over a state no operator marked, and a transition over either', async () => {
    await storeDisabled('');
    expect(await put('repair')).toEqual([1, 25, 0]);
    await storeDisabled(',"by":"operator"');
    expect(await put('transition')).toEqual([1, 25, 0]);
    expect(await admin.hget(key, 'st')).toBe('closed');
  });
});

describe('random mixes of hostile writes and operator actions', () => {
  const prefix = 'versions:property:';
  const channel = `${prefix}transitions`;
  const hostileVersion = fc.oneof(
    fc.integer({ min: 0, max: 4294967295 }).map(String),
    fc.constantFrom('9007199254740991', '-1', '4294967296', '1e3', 'oops', ''),
  );
  const hostileWrite = fc.record({
    version: hostileVersion,
    state: fc.constantFrom('closed', 'forced-open', 'disabled', 'open', 'ajar'),
    publish: fc.boolean(),
    jsonVersion: fc.option(hostileVersion, { nil: undefined }),
  });
  const action = fc.record({
    by: fc.integer({ min: 0, max: 2 }),
    action: fc.constantFrom('isolate', 'reset', 'disable') as fc.Arbitrary<
      'isolate' | 'reset' | 'disable'
    >,
  });
  const expected = { isolate: 'forced-open', reset: 'closed', disable: 'disabled' } as const;

  it('ends, after every operator action, with that action everywhere', {
    timeout: 240_000,
  }, async () => {
    const name = `property-${names++}`;
    const { breakers, key } = await fleetOf('ioredis 6', prefix, name);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(hostileWrite, { maxLength: 3 }), action), {
          minLength: 1,
          maxLength: 4,
        }),
        async (steps) => {
          for (const [writes, { by, action: move }] of steps) {
            for (const write of writes) {
              const json = stateJson(write.jsonVersion ?? write.version, write.state);
              await admin.hset(key, 'v', write.version, 'st', write.state, 's', json);
              if (write.publish)
                await admin.publish(channel, `{"n":${JSON.stringify(name)},"s":${json}}`);
            }
            (breakers[by] as CircuitBreaker)[move]();
            await everywhere(breakers, key, expected[move]);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
