// A fleet member: a child process with its own Redis client, RedisBreakerStore and breaker,
// driven by the test over IPC (see fleet.ts). Started by Node itself with
// --conditions=@tripswitch/source, so it runs the workspace's TypeScript sources.
import { CircuitBreaker, type Permit } from '@tripswitch/core';
import { RedisBreakerStore } from '../../src/index.ts';
import { connectClient, type TestClient } from './clients.ts';
import type {
  MemberEvent,
  MemberReply,
  MemberRequest,
  MemberState,
  SoakTotals,
} from './member-protocol.ts';

let client: TestClient | undefined;
let store: RedisBreakerStore | undefined;
const breakers = new Map<string, CircuitBreaker>();
const held = new Map<string, Permit[]>();
const bursts = new Map<string, { stop: boolean; admitted: number }>();
const boom = new Error('boom');

/**
 * Milliseconds on the system's monotonic clock (`process.hrtime`, CLOCK_MONOTONIC on Linux): one
 * clock for every process on the machine, so stamps from two processes compare exactly.
 */
function machineNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function send(message: MemberEvent | MemberReply): void {
  process.send?.(message);
}

function breakerNamed(name: string): CircuitBreaker {
  const breaker = breakers.get(name);
  if (breaker === undefined) throw new Error(`no breaker named ${name}`);
  return breaker;
}

async function handle(request: MemberRequest): Promise<unknown> {
  switch (request.op) {
    case 'init': {
      const { kind, url, store: storeOptions } = request.init;
      client = await connectClient(kind, url);
      store = new RedisBreakerStore({ client: client.client, ...storeOptions });
      store.on('storeError', () => send({ event: 'storeError' }));
      store.on('storeRecovered', () => send({ event: 'storeRecovered' }));
      return undefined;
    }
    case 'breaker': {
      const { name, options } = request;
      if (store === undefined) throw new Error('init first');
      const created = new CircuitBreaker({ ...options, name, store });
      breakers.set(name, created);
      created.on('stateChange', (change) => {
        const at = machineNow();
        // Whether it refuses now; an admitted probe is given back without a trace.
        const permit = created.tryAcquire();
        permit?.ignore();
        send({ event: 'stateChange', change, at, refuses: permit === null });
      });
      // The store follows the fleet once its subscription is in place (a few milliseconds).
      const ready = store;
      await new Promise<void>((resolve) => {
        const check = () => (ready?.available ? resolve() : setTimeout(check, 5));
        check();
      });
      return created.state;
    }
    case 'fail': {
      // When the failures were recorded: the start of a propagation delay.
      const at = machineNow();
      const breaker = breakerNamed(request.name);
      for (let i = 0; i < request.count; i++) breaker.tryAcquire()?.failure(boom);
      return { state: breaker.state, at };
    }
    case 'isolate':
    case 'reset':
    case 'disable':
      breakerNamed(request.name)[request.op]();
      return breakerNamed(request.name).state;
    case 'burst': {
      // Asks for a permit as fast as callers would until told to stop, holding what it gets.
      const breaker = breakerNamed(request.name);
      const permits = held.get(request.name) ?? [];
      held.set(request.name, permits);
      const burst = { stop: false, admitted: 0 };
      bursts.set(request.name, burst);
      void (async () => {
        while (!burst.stop) {
          const permit = breaker.tryAcquire();
          if (permit !== null) {
            burst.admitted++;
            permits.push(permit);
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      return undefined;
    }
    case 'burst-count':
    case 'burst-stop': {
      const burst = bursts.get(request.name);
      if (burst === undefined) throw new Error(`no burst on ${request.name}`);
      if (request.op === 'burst-stop') burst.stop = true;
      return burst.admitted;
    }
    case 'settle': {
      const permits = held.get(request.name) ?? [];
      held.delete(request.name);
      for (const permit of permits) {
        if (request.outcome === 'success') permit.success();
        else permit.failure(boom);
      }
      return permits.length;
    }
    case 'state': {
      const b = breakerNamed(request.name);
      const state: MemberState = {
        state: b.state,
        snapshot: b.toJSON(),
        inFlight: b.inFlight,
        available: store?.available ?? false,
      };
      return state;
    }
    case 'soak':
      return soak(
        breakerNamed(request.name),
        request.durationMs,
        request.callsPerTick,
        request.tickMs,
      );
    case 'close':
      await store?.close();
      await client?.close();
      setImmediate(() => process.disconnect());
      return undefined;
  }
}

/**
 * Calls through the breaker at a steady rate: every tenth call fails, every seventh is slow (by
 * the duration it reports). Returns what it recorded, once the store has added the last of it to
 * Redis.
 */
async function soak(
  b: CircuitBreaker,
  durationMs: number,
  callsPerTick: number,
  tickMs: number,
): Promise<SoakTotals> {
  const totals: SoakTotals = { calls: 0, failures: 0, slowCalls: 0, rejected: 0, errors: 0 };
  const end = performance.now() + durationMs;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() >= end) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (let i = 0; i < callsPerTick; i++) {
        const n = totals.calls + totals.rejected;
        const permit = b.tryAcquire();
        if (permit === null) {
          totals.rejected++;
          continue;
        }
        try {
          const slow = n % 7 === 0;
          if (slow) totals.slowCalls++;
          if (n % 10 === 0) {
            permit.failure(boom, { durationMs: slow ? 500 : 1 });
            totals.failures++;
          } else {
            permit.success(slow ? 500 : 1);
          }
          totals.calls++;
        } catch {
          totals.errors++;
        }
      }
    }, tickMs);
  });
  await store?.close();
  return totals;
}

process.on('message', (request: MemberRequest & { id: number }) => {
  handle(request).then(
    (result) => send({ id: request.id, result }),
    (error: unknown) => send({ id: request.id, error: String((error as Error)?.stack ?? error) }),
  );
});
