import type { BreakerStats } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { RateTracker } from './rate-tracker.ts';

function stats(name: string, totals: Partial<BreakerStats['totals']>): BreakerStats {
  return {
    name,
    state: 'closed',
    failureRate: 0,
    slowCallRate: 0,
    calls: 0,
    failures: 0,
    slowCalls: 0,
    consecutiveFailures: 0,
    inFlight: 0,
    openedAt: undefined,
    retryAfterMs: undefined,
    bulkhead: undefined,
    totals: {
      successes: 0,
      failures: 0,
      timeouts: 0,
      ignored: 0,
      rejected: 0,
      slowCalls: 0,
      fallbacks: 0,
      cancelled: 0,
      ...totals,
    },
  };
}

describe('RateTracker', () => {
  it('has no rates before its first measure', () => {
    expect(new RateTracker([stats('a', { successes: 5 })], 0).rates.size).toBe(0);
  });

  it('counts completed calls (successes, failures, ignored) and refusals per second', () => {
    const tracker = new RateTracker([stats('a', { successes: 5, rejected: 1 })], 1000);
    const rates = tracker.measure(
      [stats('a', { successes: 15, failures: 8, timeouts: 3, ignored: 2, rejected: 7 })],
      3000,
    );
    // (10 + 8 + 2) calls and 6 refusals in 2 s; timeouts are already among the failures.
    expect(rates.get('a')).toEqual({ callsPerSecond: 10, rejectedPerSecond: 3 });
    expect(tracker.rates).toBe(rates);
  });

  it('measures each interval from the previous reading', () => {
    const tracker = new RateTracker([stats('a', {})], 0);
    tracker.measure([stats('a', { successes: 10 })], 1000);
    expect(tracker.measure([stats('a', { successes: 13 })], 1500).get('a')).toEqual({
      callsPerSecond: 6,
      rejectedPerSecond: 0,
    });
  });

  it('counts a new breaker from zero, and a recreated one from its new totals', () => {
    const tracker = new RateTracker([stats('old', { successes: 100 })], 0);
    const rates = tracker.measure(
      [stats('new', { successes: 4 }), stats('old', { successes: 3 })],
      1000,
    );
    expect(rates.get('new')?.callsPerSecond).toBe(4);
    expect(rates.get('old')?.callsPerSecond).toBe(3);
  });

  it('forgets breakers that are gone', () => {
    const tracker = new RateTracker([stats('a', {}), stats('b', {})], 0);
    expect([...tracker.measure([stats('b', {})], 1000).keys()]).toEqual(['b']);
  });

  it('keeps the last rates when no time has passed', () => {
    const tracker = new RateTracker([stats('a', {})], 0);
    const rates = tracker.measure([stats('a', { successes: 1 })], 1000);
    expect(tracker.measure([stats('a', { successes: 50 })], 1000)).toBe(rates);
  });

  it('rounds to hundredths', () => {
    const tracker = new RateTracker([stats('a', {})], 0);
    expect(tracker.measure([stats('a', { successes: 1 })], 3000).get('a')?.callsPerSecond).toBe(
      0.33,
    );
  });
});
