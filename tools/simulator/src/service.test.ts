import { describe, expect, it } from 'vitest';
import { randomFor } from './random.ts';
import { down, flaky, healthy, healthyLatencyMs, phases, slow } from './service.ts';

describe('service models', () => {
  it('healthy answers every call with a success in 20 ms', () => {
    expect(healthy(0, randomFor(1, 0))).toEqual({ ok: true, latencyMs: healthyLatencyMs });
    expect(healthyLatencyMs).toBe(20);
  });

  it('down fails every call fast: whole milliseconds from 1 to 5, each of them', () => {
    const latencies = new Set<number>();
    for (let call = 0; call < 1_000; call++) {
      const response = down(0, randomFor(1, call));
      expect(response.ok).toBe(false);
      latencies.add(response.latencyMs);
    }
    expect([...latencies].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('flaky fails about its share of calls, and the same calls for the same seed', () => {
    const service = flaky(0.05);
    const outcomes = Array.from({ length: 20_000 }, (_, call) => service(0, randomFor(8, call)).ok);
    const failures = outcomes.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(850);
    expect(failures).toBeLessThan(1_150);
    const again = Array.from({ length: 20_000 }, (_, call) => service(0, randomFor(8, call)).ok);
    expect(again).toEqual(outcomes);
  });

  it('flaky(0) never fails and flaky(1) always does', () => {
    for (let call = 0; call < 100; call++) {
      expect(flaky(0)(0, randomFor(1, call)).ok).toBe(true);
      expect(flaky(1)(0, randomFor(1, call)).ok).toBe(false);
    }
  });

  it('flaky rejects a rate outside [0, 1]', () => {
    expect(() => flaky(1.5)).toThrow(/failureRate.*1\.5/);
    expect(() => flaky(Number.NaN)).toThrow(RangeError);
  });

  it('slow succeeds after the given latency', () => {
    expect(slow(3_000)(0, randomFor(1, 0))).toEqual({ ok: true, latencyMs: 3_000 });
  });

  it('phases switch at the start of each phase, inclusive', () => {
    const service = phases(
      healthy,
      { from: 1_000, service: down },
      { from: 1_200, service: slow(50) },
    );
    const at = (time: number) => service(time, randomFor(1, time));
    expect(at(999)).toEqual({ ok: true, latencyMs: 20 });
    expect(at(1_000).ok).toBe(false);
    expect(at(1_199).ok).toBe(false);
    expect(at(1_200)).toEqual({ ok: true, latencyMs: 50 });
    expect(at(1e9)).toEqual({ ok: true, latencyMs: 50 });
  });

  it('phases must be in order', () => {
    expect(() =>
      phases(healthy, { from: 2_000, service: down }, { from: 1_000, service: healthy }),
    ).toThrow(RangeError);
  });
});
