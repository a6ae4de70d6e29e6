// The engine's side of the store contract, against an in-memory store that behaves as a network
// store does (compare-and-set publication, fleet counts, fleet-wide trial grants). The Redis
// store is tested against a real redis-server in @tripswitch/redis.
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, CircuitBreaker, type CircuitBreakerOptions } from '../src/index.ts';
import { MemoryStore } from './support/memory-store.ts';

let now = 0;
const clock = { now: () => now };
const boom = new Error('boom');

/** Breakers of one name, as in several processes, sharing `store`. */
function fleet(store: MemoryStore, size: number, options: CircuitBreakerOptions = {}) {
  return Array.from(
    { length: size },
    () => new CircuitBreaker({ name: 'payments', clock, store, openDurationMs: 1_000, ...options }),
  );
}

function fail(breaker: CircuitBreaker, n = 1) {
  for (let i = 0; i < n; i++) breaker.tryAcquire()?.failure(boom);
}

describe('a breaker with a store', () => {
  it('opens every process when one opens, with reason "fleet"', () => {
    now = 0;
    const store = new MemoryStore();
    const [a, b, c] = fleet(store, 3, { minimumCalls: 2 }) as [
      CircuitBreaker,
      CircuitBreaker,
      CircuitBreaker,
    ];
    const seen: string[] = [];
    b.on('stateChange', ({ from, to, reason }) => seen.push(`${from}->${to}:${reason}`));
    fail(a, 2);
    expect([a.state, b.state, c.state]).toEqual(['open', 'open', 'open']);
    expect(seen).toEqual(['closed->open:fleet']);
    expect(b.tryAcquire()).toBeNull();
    expect(b.stats().retryAfterMs).toBe(1_000);
  });

  it('holds every process open as long as a Retry-After that came while open asks', () => {
    now = 0;
    const store = new MemoryStore();
    const [a, b] = fleet(store, 2, { minimumCalls: 1 }) as [CircuitBreaker, CircuitBreaker];
    const inFlight = a.tryAcquire(); // admitted while closed, answered once the circuit is open
    const seen: string[] = [];
    b.on('stateChange', ({ to }) => seen.push(to));
    fail(a);
    expect(b.stats().retryAfterMs).toBe(1_000);
    inFlight?.failure(boom, { retryAfterMs: 60_000 });
    expect(a.stats().retryAfterMs).toBe(60_000);
    expect(b.stats().retryAfterMs).toBe(60_000);
    expect(seen).toEqual(['open']); // the longer period is no new transition
    now = 1_000;
    expect(a.tryAcquire() ?? b.tryAcquire()).toBeNull();
    now = 60_000;
    expect(b.tryAcquire()).not.toBeNull();
  });

  it('gives a late process the fleet’s current state at start', () => {
    now = 0;
    const store = new MemoryStore();
    const [a] = fleet(store, 1, { minimumCalls: 1 }) as [CircuitBreaker];
    fail(a);
    now = 400;
    const late = new CircuitBreaker({ name: 'payments', clock, store });
    expect(late.state).toBe('open');
    expect(late.stats().retryAfterMs).toBe(600);
  });

  it('trips the fleet on its summed counts, though no process saw enough alone', () => {
    now = 0;
    const store = new MemoryStore();
    const breakers = fleet(store, 3, { minimumCalls: 10, failureRateThreshold: 50 });
    for (const breaker of breakers) fail(breaker, 3);
    expect(breakers.map((b) => b.state)).toEqual(['closed', 'closed', 'closed']);
    fail(breakers[0] as CircuitBreaker);
    expect(breakers.map((b) => b.state)).toEqual(['open', 'open', 'open']);
  });

  it('lets at most halfOpenMaxCalls trials through across the whole fleet, then closes everyone', () => {
    now = 0;
    const store = new MemoryStore();
    const breakers = fleet(store, 4, { minimumCalls: 1, halfOpenMaxCalls: 2 });
    fail(breakers[0] as CircuitBreaker);
    now = 1_000;
    const trials = breakers
      .flatMap((b) => Array.from({ length: 10 }, () => b.tryAcquire()))
      .filter(Boolean);
    expect(trials).toHaveLength(2);
    expect(breakers.map((b) => b.state)).toEqual([
      'half-open',
      'half-open',
      'half-open',
      'half-open',
    ]);
    trials[0]?.success();
    expect(breakers.every((b) => b.state === 'half-open')).toBe(true);
    trials[1]?.success();
    expect(breakers.map((b) => b.state)).toEqual(['closed', 'closed', 'closed', 'closed']);
  });

  it('gives an ignored trial’s grant back to the fleet', () => {
    now = 0;
    const store = new MemoryStore();
    const [a, b] = fleet(store, 2, { minimumCalls: 1, halfOpenMaxCalls: 1 }) as [
      CircuitBreaker,
      CircuitBreaker,
    ];
    fail(a);
    now = 1_000;
    const trial = a.tryAcquire();
    expect(b.tryAcquire()).toBeNull();
    trial?.ignore();
    expect(b.tryAcquire()).not.toBeNull();
  });

  it('reopens the whole fleet on a failed trial', () => {
    now = 0;
    const store = new MemoryStore();
    const [a, b] = fleet(store, 2, { minimumCalls: 1 }) as [CircuitBreaker, CircuitBreaker];
    fail(a);
    now = 1_000;
    b.tryAcquire()?.failure(boom);
    expect([a.state, b.state]).toEqual(['open', 'open']);
    expect(a.toJSON()).toMatchObject({ attempt: 2, openUntil: 2_000 });
  });

  it('converges when two processes change the state at once', () => {
    now = 0;
    const store = new MemoryStore();
    const [a, b] = fleet(store, 2, { minimumCalls: 1 }) as [CircuitBreaker, CircuitBreaker];
    store.holdPublications = true;
    fail(a); // a opens, publishing against version 0...
    b.isolate(); // ...and so does b, with another state
    expect([a.state, b.state]).toEqual(['open', 'forced-open']);
    store.deliver();
    expect(a.state).toBe(b.state);
    expect(store.stateOf('payments')).toMatchObject({ version: 1, state: 'open' });
  });

  it('decides alone, and keeps working, while the store is unavailable', () => {
    now = 0;
    const store = new MemoryStore();
    const [a, b] = fleet(store, 2, { minimumCalls: 1, halfOpenMaxCalls: 1 }) as [
      CircuitBreaker,
      CircuitBreaker,
    ];
    store.available = false;
    fail(a);
    expect([a.state, b.state]).toEqual(['open', 'closed']);
    now = 1_000;
    const trial = a.tryAcquire(); // no fleet grant to be had: the breaker grants its own trials
    expect(trial).not.toBeNull();
    trial?.success();
    expect(a.state).toBe('closed');
  });

  it('is shared by every breaker of a registry, and let go of when a breaker leaves it', () => {
    now = 0;
    const store = new MemoryStore();
    const one = new BreakerRegistry({ store, defaults: { clock, minimumCalls: 1 } });
    const two = new BreakerRegistry({ store, defaults: { clock, minimumCalls: 1 } });
    const left = two.get('inventory');
    fail(one.get('inventory'));
    expect(left.state).toBe('open');
    two.delete('inventory');
    one.reset('inventory');
    expect(left.state).toBe('open');
  });

  it('refuses something that is not a store', () => {
    expect(() => new CircuitBreaker({ store: {} as never })).toThrow(/Invalid option "store"/);
    expect(() => new BreakerRegistry({ store: 'redis' as never })).toThrow(
      /Invalid option "store"/,
    );
  });
});
