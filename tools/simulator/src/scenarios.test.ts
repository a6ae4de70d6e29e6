import { describe, expect, it } from 'vitest';
import { randomFor } from './random.ts';
import { rates, ratesOf, runOf, variantOf } from './scenario.ts';
import {
  blip,
  coldStart,
  noise,
  outageAfterHealthy,
  overload,
  overloadCapacity,
  partialOutage,
  recovery,
  scenarios,
  slowCallDurationMs,
  slowOutage,
} from './scenarios.ts';
import type { Service } from './service.ts';
import { simulate } from './simulate.ts';
import type { SubjectFactory } from './subject.ts';

/** No breaker at all: every call goes through. */
const noBreaker: SubjectFactory = () => ({ mode: 'sync', admit: () => () => {} });

/** What `service` answers to the call it receives at `time`, as call number `key`. */
const at = (service: Service, time: number, key = 0) => service(time, randomFor(1, key));

/** The share of failing calls `service` answers at `time`, over many keyed calls. */
function failureShare(service: Service, time: number): number {
  let failures = 0;
  for (let key = 0; key < 20_000; key++) if (!at(service, time, key).ok) failures++;
  return failures / 20_000;
}

describe('the scenarios of issues 8 and 16', () => {
  it('are the eight, in order, each at 10, 100 and 1,000 calls per second but overload', () => {
    expect(scenarios.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rates).toEqual([10, 100, 1000]);
    expect(scenarios.map((s) => ratesOf(s))).toEqual([
      ...Array.from({ length: 7 }, () => rates),
      [1000],
    ]);
    for (const scenario of scenarios) {
      const labels = scenario.variants.map((v) => v.label);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });

  it('1: healthy for a minute, then down for 30 s', () => {
    const { service, faultAt, durationMs } = variantOf(outageAfterHealthy);
    expect(faultAt).toBe(60_000);
    expect(durationMs).toBe(90_000);
    expect(at(service, 59_999)).toEqual({ ok: true, latencyMs: 20 });
    expect(at(service, 60_000).ok).toBe(false);
    expect(at(service, 89_999).ok).toBe(false);
  });

  it('2: down from the first call; or only the first call fails', () => {
    const outage = variantOf(coldStart, 'outage').service;
    expect(at(outage, 0).ok).toBe(false);
    expect(at(outage, 29_999).ok).toBe(false);
    const one = variantOf(coldStart, 'one failure').service;
    expect(at(one, 0).ok).toBe(false);
    expect(at(one, 1).ok).toBe(true);
  });

  it('3: 1 %, 5 % and 10 % of calls fail for ten minutes', () => {
    for (const [label, share] of [
      ['1 %', 0.01],
      ['5 %', 0.05],
      ['10 %', 0.1],
    ] as const) {
      const variant = variantOf(noise, label);
      expect(variant.durationMs).toBe(600_000);
      expect(failureShare(variant.service, 0)).toBeCloseTo(share, 2);
    }
  });

  it('4: every call fails for 200 ms after a healthy minute', () => {
    const { service, faultAt, healAt } = variantOf(blip);
    expect([faultAt, healAt]).toEqual([60_000, 60_200]);
    expect(at(service, 59_999).ok).toBe(true);
    expect(at(service, 60_000).ok).toBe(false);
    expect(at(service, 60_199).ok).toBe(false);
    expect(at(service, 60_200).ok).toBe(true);
  });

  it('5: 60 % of calls fail after a healthy minute', () => {
    const { service } = variantOf(partialOutage);
    expect(failureShare(service, 59_999)).toBe(0);
    expect(failureShare(service, 60_000)).toBeCloseTo(0.6, 2);
  });

  it('6: calls take 3 s after a healthy minute, and never fail; slow means 1 s or more', () => {
    const { service } = variantOf(slowOutage);
    expect(slowOutage.slowCallDurationMs).toBe(slowCallDurationMs);
    expect(slowCallDurationMs).toBe(1_000);
    expect(at(service, 59_999)).toEqual({ ok: true, latencyMs: 20 });
    expect(failureShare(service, 60_000)).toBe(0);
    expect(at(service, 60_000)).toEqual({ ok: true, latencyMs: 3_000 });
  });

  it('7: down after a healthy minute, healed after 30 s or 5 min, then a healthy minute', () => {
    for (const [label, outageMs] of [
      ['30 s outage', 30_000],
      ['5 min outage', 300_000],
    ] as const) {
      const { service, faultAt, healAt, durationMs } = variantOf(recovery, label);
      expect(healAt).toBe(faultAt + outageMs);
      expect(durationMs).toBe(faultAt + outageMs + 60_000);
      expect(at(service, faultAt + outageMs - 1).ok).toBe(false);
      expect(at(service, faultAt + outageMs).ok).toBe(true);
    }
  });

  it('8: a service that answers 500 calls a second, offered 1,000 a second for a minute', () => {
    const variant = variantOf(overload);
    expect(variant.capacity).toBe(overloadCapacity);
    expect(overloadCapacity).toEqual({ callsPerSecond: 500, burst: 10 });
    expect(variant.durationMs).toBe(60_000);
    // Without a breaker: all of the capacity is used, and as much again is sent for nothing.
    const trace = simulate(noBreaker, runOf(variant, 1000));
    const metrics = overload.measure(trace, variant) as ReturnType<typeof overload.measure>;
    expect(metrics.sentPerSecond).toBe(1000);
    expect(metrics.goodputShare).toBeCloseTo(1, 2);
    expect(metrics.beyondCapacityShare).toBeCloseTo(0.5, 2);
    // The calls beyond capacity fail fast, as a 503 does.
    for (let call = 0; call < trace.calls; call++) {
      if (trace.overloaded[call] === 1) {
        expect(trace.ok[call]).toBe(0);
        expect((trace.end[call] as number) - (trace.sentAt[call] as number)).toBeLessThanOrEqual(5);
      }
    }
  });

  it('measure from the fault: without a breaker every failing call of the outage gets through', () => {
    const variant = variantOf(outageAfterHealthy);
    const trace = simulate(noBreaker, runOf(variant, 10));
    expect(outageAfterHealthy.measure(trace, variant)).toEqual({
      opened: false,
      timeToOpenMs: undefined,
      badCallsAdmitted: 300,
      badAnswersBeforeOpen: 300,
    });
  });

  it('runOf and variantOf', () => {
    const variant = variantOf(noise, '5 %');
    expect(runOf(variant, 100)).toEqual({
      rate: 100,
      durationMs: 600_000,
      service: variant.service,
      seed: variant.seed,
    });
    expect(() => variantOf(noise, '7 %')).toThrow(/scenario 3 has no variant "7 %"/);
  });
});
