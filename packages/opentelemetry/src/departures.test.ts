import { BreakerRegistry } from '@tripswitch/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Departures, departureReportMs } from './departures.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Departures', () => {
  it('lists a breaker a collection saw and the next did not, for five minutes', () => {
    const departures = new Departures(new BreakerRegistry());
    expect(departures.update(new Set(['a', 'b']))).toEqual([]);
    expect(departures.update(new Set(['b']))).toEqual(['a']);
    vi.advanceTimersByTime(departureReportMs - 1);
    expect(departures.update(new Set(['b']))).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(departures.update(new Set(['b']))).toEqual([]);
    expect(departureReportMs).toBe(300_000);
  });

  it('stops listing a breaker that comes back', () => {
    const departures = new Departures(new BreakerRegistry());
    departures.update(new Set(['a']));
    expect(departures.update(new Set())).toEqual(['a']);
    expect(departures.update(new Set(['a']))).toEqual([]);
    expect(departures.update(new Set(['a']))).toEqual([]);
  });

  it('keeps at most twice the registry plus 16, the latest', () => {
    const registry = new BreakerRegistry();
    registry.get('only');
    const departures = new Departures(registry);
    for (let i = 0; i < 100; i++) departures.update(new Set([`key-${i}`]));
    const listed = departures.update(new Set());
    expect(listed).toHaveLength(2 * 1 + 16);
    expect(listed.at(-1)).toBe('key-99');
  });
});
