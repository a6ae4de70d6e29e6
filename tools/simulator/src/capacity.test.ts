import { describe, expect, it } from 'vitest';
import { CapacityGate } from './capacity.ts';

describe('CapacityGate', () => {
  it('starts full, and refills at the rate up to the burst', () => {
    const gate = new CapacityGate({ callsPerSecond: 500, burst: 2 });
    expect([gate.take(0), gate.take(0), gate.take(0)]).toEqual([true, true, false]);
    expect(gate.take(1)).toBe(false); // half a token after 1 ms
    expect(gate.take(2)).toBe(true);
    expect([gate.take(100), gate.take(100), gate.take(100)]).toEqual([true, true, false]);
  });

  it('lets through about its rate when offered more, whatever the offer', () => {
    for (const offered of [600, 1000, 5000]) {
      const gate = new CapacityGate({ callsPerSecond: 500, burst: 10 });
      let taken = 0;
      for (let call = 0; call < offered * 10; call++)
        if (gate.take((call * 1000) / offered)) taken++;
      expect(taken / 10).toBeGreaterThanOrEqual(500);
      expect(taken / 10).toBeLessThanOrEqual(501);
    }
  });

  it.each([
    [{ callsPerSecond: 0, burst: 1 }, /callsPerSecond/],
    [{ callsPerSecond: Number.NaN, burst: 1 }, /callsPerSecond/],
    [{ callsPerSecond: 1, burst: 0.5 }, /burst/],
  ])('refuses nonsense (%o)', (capacity, message) => {
    expect(() => new CapacityGate(capacity)).toThrow(message);
  });
});
