// Several processes — real child processes, each with its own client, store and breaker — share
// breakers through a real redis-server: one opens and all refuse (how fast is benchmarked), the
// fleet admits exactly halfOpenMaxCalls trials, opposite transitions at once converge, and Redis
// killed and restarted under them leaves every process deciding alone and then back in line.
import { type RedisServer, startRedisServer } from '@tripswitch/redis-server';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { adminClient } from './support/admin.ts';
import { type ClientKind, clientKinds, restartRetries } from './support/clients.ts';
import { isStateChange, type Member, startFleet } from './support/fleet.ts';
import type { BreakerOptions, MemberEvent } from './support/member-protocol.ts';
import { until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());

type StateChangeEvent = Extract<MemberEvent, { event: 'stateChange' }>;

function changeTo(name: string, to: string) {
  return (event: MemberEvent): event is StateChangeEvent =>
    isStateChange(event) && event.change.name === name && event.change.to === to;
}

async function addBreaker(members: Member[], name: string, options: BreakerOptions) {
  await Promise.all(members.map((m) => m.request({ op: 'breaker', name, options })));
}

describe.each(clientKinds)('a fleet of 4 processes with %s', (kind: ClientKind) => {
  const prefix = `fleet:${kind.replace(' ', '')}:`;
  let members: Member[] = [];

  beforeAll(async () => {
    members = await startFleet(4, { kind, url, store: { prefix } });
  });

  afterAll(async () => {
    await Promise.all(members.map((m) => m.close()));
  });

  it('opens every process when one opens, and each refuses at once', async () => {
    const name = 'propagation';
    await addBreaker(members, name, { minimumCalls: 1, openDurationMs: 60_000 });
    // How long it takes is measured by the benchmark (pnpm bench), not asserted here: a test
    // waits for the event, so a busy machine cannot fail it.
    for (let round = 0; round < 8; round++) {
      const opener = members[round % members.length] as Member;
      const others = members.filter((m) => m !== opener);
      const opened = [opener, ...others].map((m) => m.next(changeTo(name, 'open'), 10_000));
      await opener.request({ op: 'fail', name, count: 1 });
      const [local, ...remote] = await Promise.all(opened);
      expect(local?.change.reason).toBe('failure-rate');
      for (const event of remote) {
        expect(event.change.reason).toBe('fleet');
        expect(event.refuses).toBe(true);
      }
      const closed = members.map((m) => m.next(changeTo(name, 'closed'), 10_000));
      await opener.request({ op: 'reset', name });
      await Promise.all(closed);
    }
  });

  it('admits exactly halfOpenMaxCalls trials across the fleet under a concurrent burst', async () => {
    const name = 'trials';
    // Trials (and their leases in Redis) outlast the test, so however slow the machine, no lease
    // expires and is granted again while the processes burst.
    await addBreaker(members, name, {
      minimumCalls: 1,
      openDurationMs: 1_000,
      halfOpenTimeoutMs: 120_000,
      halfOpenMaxCalls: 3,
    });
    const opened = members.map((m) => m.next(changeTo(name, 'open')));
    await members[0]?.request({ op: 'fail', name, count: 1 });
    await Promise.all(opened);
    // Every process asks for permits as fast as callers would, from before the open period ends
    // until after the trials were handed out.
    await Promise.all(members.map((m) => m.request({ op: 'burst', name })));
    const admittedSoFar = async () =>
      (
        await Promise.all(members.map((m) => m.request<number>({ op: 'burst-count', name })))
      ).reduce((sum, n) => sum + n, 0);
    await until(async () => expect(await admittedSoFar()).toBe(3), { timeout: 20_000 });
    // Go on asking for a while: a slow machine can only make this check weaker, not fail it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const admitted = await Promise.all(
      members.map((m) => m.request<number>({ op: 'burst-stop', name })),
    );
    console.info(`[${kind}] trials admitted per process: ${admitted.join(', ')}`);
    expect(admitted.reduce((sum, n) => sum + n, 0)).toBe(3);
    expect(await admin.zcard(`${prefix}{${name}}:trials`)).toBe(3);

    const closed = members.map((m) => m.next(changeTo(name, 'closed')));
    await Promise.all(members.map((m) => m.request({ op: 'settle', name, outcome: 'success' })));
    await Promise.all(closed);
    for (const member of members) {
      expect(await member.state(name)).toMatchObject({ state: 'closed', inFlight: 0 });
    }
  });

  it('converges when processes change the state the opposite way at once', async () => {
    const name = 'race';
    await addBreaker(members, name, { minimumCalls: 1, openDurationMs: 60_000 });
    const moves = [
      ['isolate', 'reset'],
      ['disable', 'isolate'],
      ['reset', 'disable'],
    ] as const;
    for (let round = 0; round < 12; round++) {
      const [first, second] = moves[round % moves.length] as (typeof moves)[number];
      const a = members[round % 4] as Member;
      const b = members[(round + 1) % 4] as Member;
      await Promise.all([a.request({ op: first, name }), b.request({ op: second, name })]);
      await until(
        async () => {
          const states = await Promise.all(members.map((m) => m.state(name)));
          const stored = await admin.hget(`${prefix}{${name}}:state`, 'st');
          expect(new Set(states.map((s) => JSON.stringify(s.snapshot))).size).toBe(1);
          expect(stored).toBe(states[0]?.state);
        },
        { timeout: 5_000 },
      );
    }
  });
});

describe.each(clientKinds)(
  'a fleet of 3 processes with %s, when Redis is killed',
  (kind: ClientKind) => {
    let server: RedisServer;

    beforeAll(async () => {
      server = await startRedisServer();
    });

    afterAll(async () => {
      await server.stop();
    });

    it('decides alone in every process, reports it, and resynchronises when Redis returns', {
      retry: restartRetries(kind),
    }, async () => {
      // Processes of this test's own, so that a retry starts with fresh clients.
      if (!server.running) await server.restart();
      const members = await startFleet(3, {
        kind,
        url: server.url,
        store: { commandTimeoutMs: 200, retryIntervalMs: 100 },
      });
      onTestFinished(async () => {
        await Promise.all(members.map((m) => m.close()));
      });
      const name = 'outage';
      await addBreaker(members, name, { minimumCalls: 1, openDurationMs: 60_000 });
      const errors = members.map((m) => m.next((e): e is MemberEvent => e.event === 'storeError'));
      await server.kill();
      await Promise.all(errors);

      // One process opens alone; the others cannot hear of it and go on.
      expect(await members[0]?.request({ op: 'fail', name, count: 1 })).toMatchObject({
        state: 'open',
      });
      for (const member of members.slice(1)) {
        expect(await member.state(name)).toMatchObject({ state: 'closed', available: false });
      }

      const recovered = members.map((m) =>
        m.next((e): e is MemberEvent => e.event === 'storeRecovered', 10_000),
      );
      const opened = members.slice(1).map((m) => m.next(changeTo(name, 'open'), 10_000));
      await server.restart();
      await Promise.all(recovered);
      for (const event of await Promise.all(opened)) expect(event.change.reason).toBe('fleet');
      const states = await Promise.all(members.map((m) => m.state(name)));
      expect(new Set(states.map((s) => JSON.stringify(s.snapshot))).size).toBe(1);
    });
  },
);
