// A breaker takes an open or half-open state from its store on its own clock. Two periods no
// breaker sets are taken bounded, and the state taken instead is returned to the store: one that
// begins far ahead of the breaker's clock (a replica whose clock runs years ahead, or a forged
// state) is taken to begin now, as long as it lasts; one longer than the longest duration is cut
// to it. Any other is taken as it is: an honest state from a replica whose clock runs a little
// ahead, one that ended long ago, and one a Retry-After holds open longer than the open duration.
// Driven through the StoreCircuit a store receives, with a store of the test's own and an
// injected clock.
import { describe, expect, it } from 'vitest';
import {
  type BreakerEvents,
  type BreakerStore,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type Permit,
  type SharedCircuitState,
  type StoreCircuit,
} from '../src/index.ts';
import { inertBinding } from './support/inert-binding.ts';

const start = 1_700_000_000_000;
const tenYears = 10 * 365 * 86_400_000;
const longest = 2_147_483_647;
const boom = new Error('boom');

type Period = { state: 'open' | 'half-open'; openedAt: number; openUntil: number; attempt: number };

/**
 * A breaker bound to a store that only hands it states (its binding publishes nowhere and grants
 * no trial: the breaker grants its own), on a clock the test moves; it opens for 1 s unless
 * `options` say otherwise.
 */
function followingBreaker(options: CircuitBreakerOptions = { openDurationMs: 1_000 }) {
  let now = start;
  let circuit: StoreCircuit | undefined;
  const store: BreakerStore = {
    bind(bound) {
      circuit = bound;
      return inertBinding();
    },
  };
  const breaker = new CircuitBreaker({
    name: 'payments',
    clock: { now: () => now },
    store,
    halfOpenMaxCalls: 1,
    ...options,
  });
  const changes: BreakerEvents['stateChange'][] = [];
  breaker.on('stateChange', (change) => changes.push(change));
  const bound = circuit as StoreCircuit;
  return {
    breaker,
    changes,
    /** Offers `period` at the breaker's next version, as a store does; returns the answer. */
    offer: (period: Period) =>
      bound.adopt({ ...period, version: bound.current().version + 1 } as SharedCircuitState),
    adopt: (state: SharedCircuitState) => bound.adopt(state),
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('an adopted state whose period a breaker may set', () => {
  it('is taken as it is, with nothing returned', () => {
    const { breaker, changes, offer, now } = followingBreaker();
    const period: Period = {
      state: 'open',
      openedAt: now() - 200,
      openUntil: now() + 800,
      attempt: 1,
    };
    expect(offer(period)).toBeUndefined();
    expect(breaker.toJSON()).toEqual({ version: 1, ...period });
    expect(changes).toEqual([
      expect.objectContaining({ to: 'open', reason: 'fleet', openUntil: now() + 800 }),
    ]);
  });

  it.each([
    ['a few milliseconds', 3],
    ['two seconds', 2_000],
    ['five seconds', 5_000],
  ])('is taken as it is from a replica whose clock runs %s ahead', (_, aheadMs) => {
    const { breaker, offer, now } = followingBreaker();
    const period: Period = {
      state: 'open',
      openedAt: now() + aheadMs,
      openUntil: now() + aheadMs + 1_000,
      attempt: 1,
    };
    expect(offer(period)).toBeUndefined();
    expect(breaker.toJSON()).toMatchObject(period);
  });

  it('is taken as it is when a Retry-After holds it open far longer than the open duration', () => {
    const { breaker, offer, now, advance } = followingBreaker();
    const held: Period = { state: 'open', openedAt: now(), openUntil: now() + 600_000, attempt: 1 };
    expect(offer(held)).toBeUndefined();
    advance(599_999);
    expect(breaker.tryAcquire()).toBeNull();
    advance(1);
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('is taken as it is when it lasts the longest duration', () => {
    const { breaker, offer, now } = followingBreaker();
    const period: Period = {
      state: 'open',
      openedAt: now(),
      openUntil: now() + longest,
      attempt: 1,
    };
    expect(offer(period)).toBeUndefined();
    expect(breaker.toJSON()).toMatchObject(period);
  });

  it('is taken as it is when it is long over (the clock it came from runs behind)', () => {
    const { breaker, offer, now } = followingBreaker();
    const period: Period = {
      state: 'half-open',
      openedAt: now() - tenYears,
      openUntil: now() - tenYears + 1_000,
      attempt: 1,
    };
    expect(offer(period)).toBeUndefined();
    expect(breaker.state).toBe('half-open');
  });
});

describe('an adopted open period no breaker sets', () => {
  it('that begins ten years ahead is taken to begin now, as long as it lasts, and returned', () => {
    const { breaker, changes, offer, now, advance } = followingBreaker();
    const t = now();
    const taken = offer({
      state: 'open',
      openedAt: t + tenYears,
      openUntil: t + tenYears + 700,
      attempt: 1,
    });
    const bounded = { state: 'open', openedAt: t, openUntil: t + 700, attempt: 1 };
    expect(taken).toEqual({ version: 1, ...bounded });
    expect(breaker.toJSON()).toEqual({ version: 1, ...bounded });
    expect(changes).toEqual([expect.objectContaining({ reason: 'fleet', openUntil: t + 700 })]);
    advance(699);
    expect(breaker.tryAcquire()).toBeNull();
    advance(1);
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('that begins a minute ahead, beyond what clocks may disagree by, is taken to begin now', () => {
    const { offer, now } = followingBreaker();
    const t = now();
    const period: Period = {
      state: 'open',
      openedAt: t + 60_000,
      openUntil: t + 61_000,
      attempt: 1,
    };
    expect(offer(period)).toMatchObject({ openedAt: t, openUntil: t + 1_000 });
  });

  it('that lasts ten years is cut to the longest duration from its start', () => {
    const { offer, now } = followingBreaker();
    const t = now();
    expect(
      offer({ state: 'open', openedAt: t, openUntil: t + tenYears, attempt: 1 }),
    ).toMatchObject({ openedAt: t, openUntil: t + longest });
  });

  it('that began ten years ago and lasts twenty is over once the longest duration from its start is', () => {
    const { breaker, offer, now } = followingBreaker();
    const t = now();
    const taken = offer({
      state: 'open',
      openedAt: t - tenYears,
      openUntil: t + tenYears,
      attempt: 1,
    });
    expect(taken).toMatchObject({ openedAt: t - tenYears, openUntil: t - tenYears + longest });
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('with times that are no numbers (from a store that does not check) begins now, for the longest duration', () => {
    const { offer, now } = followingBreaker();
    const t = now();
    expect(
      offer({ state: 'open', openedAt: Number.NaN, openUntil: Number.NaN, attempt: 1 }),
    ).toMatchObject({ openedAt: t, openUntil: t + longest });
  });

  it('offered again, keeps the period taken the first time, and returns it again', () => {
    const { breaker, changes, offer, now, advance } = followingBreaker();
    const t = now();
    const forged: Period = {
      state: 'open',
      openedAt: t + tenYears,
      openUntil: t + tenYears + 1_000,
      attempt: 1,
    };
    const first = offer(forged);
    advance(600);
    // A store offers the long state again (Redis's, on every read): the period does not begin
    // anew with each offer.
    const again = offer(forged);
    expect(again).toEqual({ ...(first as object), version: 2 });
    expect(breaker.toJSON()).toMatchObject({ openedAt: t, openUntil: t + 1_000 });
    expect(changes).toHaveLength(1);
    advance(400);
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('offered at a version older than the breaker’s, is ignored, and nothing is returned', () => {
    const { breaker, adopt, now } = followingBreaker();
    breaker.isolate(); // version 1
    const forged = {
      state: 'open',
      openedAt: now() + tenYears,
      openUntil: now() + tenYears,
      attempt: 1,
    };
    expect(adopt({ ...forged, version: 0 } as SharedCircuitState)).toBeUndefined();
    expect(breaker.state).toBe('forced-open');
  });
});

describe('an adopted half-open state whose period begins ten years ahead', () => {
  it('times its trials out after the period’s length from now, and is returned bounded', () => {
    const { breaker, changes, offer, now, advance } = followingBreaker();
    const t = now();
    const taken = offer({
      state: 'half-open',
      openedAt: t + tenYears,
      openUntil: t + tenYears + 1_000,
      attempt: 1,
    });
    expect(taken).toEqual({
      version: 1,
      state: 'half-open',
      openedAt: t,
      openUntil: t + 1_000,
      attempt: 1,
    });
    expect(breaker.state).toBe('half-open');
    const trial = breaker.tryAcquire() as Permit; // hangs: never settled
    expect(trial).not.toBeNull();
    advance(999);
    expect(breaker.state).toBe('half-open');
    advance(1);
    // The hung trial timed out after the period's length, not after years.
    expect(breaker.tryAcquire()).toBeNull();
    expect(changes.at(-1)).toMatchObject({ to: 'open', reason: 'trial-timeout', attempt: 2 });
  });

  it('keeps a trial in flight when offered again', () => {
    const { breaker, offer, now, advance } = followingBreaker();
    const t = now();
    const forged: Period = {
      state: 'half-open',
      openedAt: t + tenYears,
      openUntil: t + tenYears + 1_000,
      attempt: 1,
    };
    offer(forged);
    const trial = breaker.tryAcquire() as Permit;
    advance(10);
    offer(forged);
    trial.success();
    expect(breaker.state).toBe('closed');
  });
});

describe('the attempt a breaker counts on to', () => {
  it.each([
    ['2^53 − 1', 2 ** 53 - 1],
    ['2^53', 2 ** 53],
    ['past 2^53 (from a store that does not check)', 2 ** 60],
  ])('after an adopted attempt of %s is at most 2^53', (_, attempt) => {
    const { breaker, offer, now } = followingBreaker();
    offer({ state: 'half-open', openedAt: now() - 1_000, openUntil: now(), attempt });
    breaker.tryAcquire()?.failure(boom);
    expect(breaker.toJSON()).toMatchObject({ state: 'open', attempt: 2 ** 53 });
  });
});
