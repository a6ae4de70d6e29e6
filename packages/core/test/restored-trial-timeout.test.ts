// A restored open period can end no later than the longest duration from now; the half-open
// trials that follow it time out after that period by default. A snapshot whose openedAt lies
// absurdly far in the past must not stretch that timeout beyond the longest duration either, or
// one hung trial would hold the circuit half-open, refusing every call, for years.
import { describe, expect, it } from 'vitest';
import { type BreakerSnapshot, CircuitBreaker, type Permit } from '../src/index.ts';

const longest = 2_147_483_647;

describe('a snapshot whose open period began absurdly long ago', () => {
  it.each([
    ['the epoch on another clock', 0],
    ['far before any clock', -1e300],
  ])('openedAt at %s: a hung trial times out within the longest duration', (_, openedAt) => {
    let now = 1_700_000_000_000;
    const snapshot: BreakerSnapshot = {
      version: 1,
      state: 'open',
      openedAt,
      openUntil: now + 1_000,
      attempt: 1,
    };
    const breaker = new CircuitBreaker({
      name: 'restored',
      clock: { now: () => now },
      halfOpenMaxCalls: 1,
      initialState: snapshot,
    });
    now += 1_000;
    const trial = breaker.tryAcquire() as Permit; // hangs: never settled
    expect(trial).not.toBeNull();
    expect(breaker.state).toBe('half-open');
    now += longest;
    // The hung trial has timed out: the circuit reopens rather than stay half-open and full.
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state).toBe('open');
  });
});
