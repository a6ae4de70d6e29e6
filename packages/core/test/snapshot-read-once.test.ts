// An initialState may come from anywhere (storage, a proxy over a config service): what the
// breaker restores must be what it checked, however the snapshot answers a second read.
import { describe, expect, it } from 'vitest';
import { type BreakerSnapshot, CircuitBreaker, InvalidOptionError } from '../src/index.ts';

/** A snapshot whose `state` answers `first` on its first read and `later` after. */
function shiftingState(first: string, later: string): BreakerSnapshot {
  let reads = 0;
  return {
    version: 1,
    get state() {
      return reads++ === 0 ? first : later;
    },
  } as unknown as BreakerSnapshot;
}

describe('an initialState whose fields change between reads', () => {
  it.each([
    ['closed', 'open'],
    ['closed', 'nonsense'],
    ['forced-open', 'open'],
    ['forced-open', 'disabled'],
  ])('checked as %s, then read as %s: it starts in the state it was checked in', (first, later) => {
    const breaker = new CircuitBreaker({ initialState: shiftingState(first, later) });
    expect(breaker.state).toBe(first);
    expect(breaker.toJSON()).toEqual({ version: 1, state: first });
  });

  it('an open snapshot keeps the times it was checked with', () => {
    let reads = 0;
    const snapshot = {
      version: 1,
      state: 'open',
      get openUntil() {
        return reads++ === 0 ? 2_000 : Number.NaN;
      },
      openedAt: 1_000,
      attempt: 1,
    } as unknown as BreakerSnapshot;
    const breaker = new CircuitBreaker({ clock: { now: () => 1_500 }, initialState: snapshot });
    expect(breaker.toJSON()).toEqual({
      version: 1,
      state: 'open',
      openedAt: 1_000,
      openUntil: 2_000,
      attempt: 1,
    });
  });

  it('a state that is no state is still refused, naming it', () => {
    expect(
      () => new CircuitBreaker({ initialState: shiftingState('half-open', 'closed') }),
    ).toThrow(InvalidOptionError);
  });
});
