import { describe, expect, it } from 'vitest';
import {
  failed,
  measureBlip,
  measureNoise,
  measureOpening,
  measureOverload,
  measureRecovery,
  slowerThan,
} from './measures.ts';
import type { BreakerState, Trace, Transition } from './trace.ts';

/** One call of a hand-made trace: sent (with its latency and outcome) or refused. */
type CallSpec =
  | {
      start: number;
      sent: true;
      ok: boolean;
      latencyMs: number;
      seen?: number;
      sentAt?: number;
      overloaded?: boolean;
    }
  | { start: number; sent: false; seen?: number };

/** A trace written by hand; `seen` defaults to the transitions recorded before the call's start. */
function traceOf(
  rate: number,
  specs: readonly CallSpec[],
  transitions: readonly [number, BreakerState][] = [],
): Trace {
  const n = specs.length;
  const moves: Transition[] = transitions.map(([at, to]) => ({ at, to }));
  const trace = {
    rate,
    intervalMs: 1000 / rate,
    durationMs: n * (1000 / rate),
    calls: n,
    start: new Float64Array(n),
    sentAt: new Float64Array(n).fill(Number.NaN),
    refusedAt: new Float64Array(n).fill(Number.NaN),
    end: new Float64Array(n).fill(Number.NaN),
    ok: new Uint8Array(n),
    overloaded: new Uint8Array(n),
    seen: new Int32Array(n),
    transitions: moves,
  };
  specs.forEach((spec, call) => {
    trace.start[call] = spec.start;
    trace.seen[call] = spec.seen ?? moves.filter((t) => t.at < spec.start).length;
    if (spec.sent) {
      const sentAt = spec.sentAt ?? spec.start;
      trace.sentAt[call] = sentAt;
      trace.end[call] = sentAt + spec.latencyMs;
      trace.ok[call] = spec.ok ? 1 : 0;
      trace.overloaded[call] = spec.overloaded === true ? 1 : 0;
    } else {
      trace.refusedAt[call] = spec.start;
    }
  });
  return trace;
}

const ok = (start: number): CallSpec => ({ start, sent: true, ok: true, latencyMs: 20 });
const fail = (start: number, latencyMs = 3): CallSpec => ({
  start,
  sent: true,
  ok: false,
  latencyMs,
});
const refused = (start: number): CallSpec => ({ start, sent: false });

describe('measureOpening', () => {
  it('counts the bad calls sent from the fault until the open, and the time it took', () => {
    const trace = traceOf(
      10,
      [ok(0), ok(100), fail(200), fail(300), fail(400), fail(500), refused(600), refused(700)],
      [[503, 'open']],
    );
    // The fault begins at 300: the failure at 200 is before it.
    expect(measureOpening(trace, 300, failed)).toEqual({
      opened: true,
      timeToOpenMs: 203,
      badCallsAdmitted: 3,
      badAnswersBeforeOpen: 3,
    });
  });

  it('counts a call in flight when the circuit opened, but not among the answers seen', () => {
    // Call 1 answers at 250, after the open at 205 that calls 0 and 2 led to.
    const trace = traceOf(
      10,
      [fail(0, 5), fail(100, 150), fail(200, 5), refused(300)],
      [[205, 'open']],
    );
    expect(measureOpening(trace, 0, failed)).toMatchObject({
      badCallsAdmitted: 3,
      badAnswersBeforeOpen: 2,
    });
  });

  it('leaves out a call sent after the open was recorded in the same millisecond', () => {
    const trace = traceOf(
      1000,
      [fail(0, 1), { start: 1, sent: true, ok: false, latencyMs: 1, seen: 1 }],
      [[1, 'open']],
    );
    expect(measureOpening(trace, 0, failed).badCallsAdmitted).toBe(1);
  });

  it('counts every bad call after the fault when the circuit never opened', () => {
    const trace = traceOf(10, [ok(0), fail(100), ok(200), fail(300)]);
    expect(measureOpening(trace, 50, failed)).toEqual({
      opened: false,
      timeToOpenMs: undefined,
      badCallsAdmitted: 2,
      badAnswersBeforeOpen: 2,
    });
  });

  it('ignores an open before the fault began', () => {
    const trace = traceOf(
      10,
      [fail(0), ok(100), ok(200)],
      [
        [3, 'open'],
        [50, 'half-open'],
        [120, 'closed'],
      ],
    );
    expect(measureOpening(trace, 150, failed).opened).toBe(false);
  });

  it('judges slowness by the answer time: at least the threshold is slow', () => {
    const trace = traceOf(10, [
      { start: 0, sent: true, ok: true, latencyMs: 999 },
      { start: 100, sent: true, ok: true, latencyMs: 1_000 },
    ]);
    expect(slowerThan(1_000)(trace, 0)).toBe(false);
    expect(slowerThan(1_000)(trace, 1)).toBe(true);
  });
});

describe('measureNoise', () => {
  it('counts opens from closed only, and every refused call', () => {
    const trace = traceOf(
      100,
      [ok(0), refused(10), refused(20), ok(30), refused(40)],
      [
        [5, 'open'],
        [25, 'half-open'],
        [26, 'open'],
        [28, 'half-open'],
        [35, 'closed'],
        [38, 'open'],
      ],
    );
    expect(measureNoise(trace)).toEqual({ trips: 2, refused: 3, refusedMs: 30 });
  });

  it('reads zero on a quiet run', () => {
    expect(measureNoise(traceOf(10, [ok(0), ok(100)]))).toEqual({
      trips: 0,
      refused: 0,
      refusedMs: 0,
    });
  });
});

describe('measureBlip', () => {
  it('reports the refusals and when the circuit closed after the blip', () => {
    const trace = traceOf(
      100,
      [fail(0), refused(10), refused(20), ok(30), ok(40)],
      [
        [3, 'open'],
        [30, 'half-open'],
        [50, 'closed'],
      ],
    );
    expect(measureBlip(trace, 0, 5)).toEqual({
      opened: true,
      refused: 2,
      refusedMs: 20,
      closedAfterHealMs: 45,
    });
  });

  it('reports a blip that did not open the circuit as free', () => {
    expect(measureBlip(traceOf(10, [fail(0), ok(100)]), 0, 50)).toEqual({
      opened: false,
      refused: 0,
      refusedMs: 0,
      closedAfterHealMs: 0,
    });
  });
});

describe('measureRecovery', () => {
  // Outage from 900 to 3,500. Opens at 1,000; trials at 2,000 and 2,001 fail, reopening it at
  // 2,003; the next half-open, at 4,000 after healing, closes it at 4,030.
  const trace = traceOf(
    1000,
    [
      fail(950),
      refused(1_500),
      fail(2_000),
      fail(2_001),
      refused(2_002),
      refused(3_000),
      ok(4_000),
      ok(4_010),
      ok(4_031),
    ],
    [
      [1_000, 'open'],
      [2_000, 'half-open'],
      [2_003, 'open'],
      [4_000, 'half-open'],
      [4_030, 'closed'],
    ],
  );
  // The trials met the half-open state recorded at their own millisecond.
  trace.seen[2] = 2;
  trace.seen[3] = 2;
  trace.seen[6] = 4;

  it('counts the probes sent into the broken service, per minute and per open', () => {
    expect(measureRecovery(trace, 900, 3_500)).toMatchObject({
      opened: true,
      probes: 2,
      probesPerMinute: 2 / (2_500 / 60_000),
      opens: 2,
      maxProbesPerOpen: 2,
    });
  });

  it('measures from healing to closed, and the open period that was running', () => {
    expect(measureRecovery(trace, 900, 3_500)).toMatchObject({
      healToClosedMs: 530,
      openDurationAtHealMs: 1_997,
      closedOnFirstHalfOpen: true,
    });
  });

  it('counts the calls refused after healing, as time at the rate', () => {
    const late = traceOf(100, [fail(0), refused(10), refused(20), refused(30), ok(40)]);
    expect(measureRecovery(late, 0, 20).refusedAfterHealMs).toBe(20); // two calls, 10 ms apart
  });

  it('reports a half-open after healing that reopened', () => {
    const wasted = traceOf(
      1000,
      [fail(950), ok(4_000)],
      [
        [1_000, 'open'],
        [4_000, 'half-open'],
        [4_005, 'open'],
      ],
    );
    expect(measureRecovery(wasted, 900, 3_500)).toMatchObject({
      healToClosedMs: undefined,
      closedOnFirstHalfOpen: false,
    });
  });

  it('reports a breaker that never opened', () => {
    expect(measureRecovery(traceOf(10, [fail(0), fail(100)]), 0, 1_000)).toEqual({
      opened: false,
      probes: 0,
      probesPerMinute: 0,
      opens: 0,
      maxProbesPerOpen: 0,
      healToClosedMs: undefined,
      openDurationAtHealMs: undefined,
      closedOnFirstHalfOpen: false,
      refusedAfterHealMs: 0,
    });
  });
});

describe('measureOverload', () => {
  it('counts the goodput, the calls sent beyond capacity, refusals and opens', () => {
    // 10 calls a second for 1 s, to a service that can answer 4 a second.
    const shed = (start: number): CallSpec => ({
      start,
      sent: true,
      ok: false,
      latencyMs: 3,
      overloaded: true,
    });
    const trace = traceOf(
      10,
      [
        ok(0),
        ok(100),
        shed(200),
        fail(300),
        refused(400),
        refused(500),
        ok(600),
        shed(700),
        ok(800),
        refused(900),
      ],
      [
        [350, 'open'],
        [600, 'half-open'],
        [620, 'closed'],
      ],
    );
    expect(measureOverload(trace, 4)).toEqual({
      goodputPerSecond: 4,
      goodputShare: 1,
      beyondCapacityPerSecond: 2,
      beyondCapacityShare: 0.2,
      sentPerSecond: 7,
      refusedShare: 0.3,
      opens: 1,
    });
  });
});
