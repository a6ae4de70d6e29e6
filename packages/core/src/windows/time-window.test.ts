import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { TimeWindow } from './time-window.ts';

function counts(window: TimeWindow) {
  return { calls: window.calls, failures: window.failures, slowCalls: window.slowCalls };
}

/** Advances the window to `now` and reads its counts, as the breaker does before judging. */
function at(window: TimeWindow, now: number) {
  window.advance(now);
  return counts(window);
}

const ok = (w: TimeWindow, now: number) => w.record(false, false, now);
const fail = (w: TimeWindow, now: number) => w.record(true, false, now);
const slow = (w: TimeWindow, now: number) => w.record(false, true, now);
const slowFail = (w: TimeWindow, now: number) => w.record(true, true, now);

describe('TimeWindow', () => {
  it('has no fixed capacity', () => {
    expect(new TimeWindow(1000, 10).capacity).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts calls, failures and slow calls within one slice', () => {
    const window = new TimeWindow(1000, 10);
    ok(window, 0);
    fail(window, 10);
    slow(window, 20);
    slowFail(window, 99);
    expect(at(window, 99)).toEqual({ calls: 4, failures: 2, slowCalls: 2 });
  });

  it('keeps a slice for durationMs after the slice began, then drops it whole', () => {
    const window = new TimeWindow(1000, 10); // slices of 100 ms
    fail(window, 150); // slice 1: [100, 200)
    fail(window, 199);
    expect(at(window, 1099).failures).toBe(2);
    expect(at(window, 1100)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
  });

  it('rotates slices one at a time, dropping only the ones that aged out', () => {
    const window = new TimeWindow(400, 4); // slices of 100 ms
    fail(window, 0); // slice 0
    ok(window, 100); // slice 1
    slow(window, 200); // slice 2
    slowFail(window, 300); // slice 3
    expect(at(window, 399)).toEqual({ calls: 4, failures: 2, slowCalls: 2 });
    expect(at(window, 400)).toEqual({ calls: 3, failures: 1, slowCalls: 2 }); // slice 0 out
    expect(at(window, 500)).toEqual({ calls: 2, failures: 1, slowCalls: 2 }); // slice 1 out
    expect(at(window, 650)).toEqual({ calls: 1, failures: 1, slowCalls: 1 }); // slice 2 out
    expect(at(window, 700)).toEqual({ calls: 0, failures: 0, slowCalls: 0 }); // slice 3 out
  });

  it('drops several slices at once when the clock jumps by less than the window', () => {
    const window = new TimeWindow(400, 4);
    fail(window, 0);
    fail(window, 100);
    ok(window, 200);
    expect(at(window, 550)).toEqual({ calls: 1, failures: 0, slowCalls: 0 }); // slices 0 and 1 out
  });

  it('reuses a ring slot for a new slice without keeping the old counts', () => {
    const window = new TimeWindow(300, 3);
    fail(window, 0); // slot 0
    ok(window, 300); // slice 3 reuses slot 0; slice 0 aged out
    expect(counts(window)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
    fail(window, 400); // slice 4 → slot 1
    expect(at(window, 599)).toEqual({ calls: 2, failures: 1, slowCalls: 0 });
    expect(at(window, 600)).toEqual({ calls: 1, failures: 1, slowCalls: 0 }); // slice 3 out
  });

  it.each([1_000, 1_001, 50_000, 10 ** 12])(
    'forgets everything after a gap of %i ms or more',
    (gap) => {
      const window = new TimeWindow(1000, 10);
      for (let t = 0; t < 1000; t += 50) fail(window, t);
      expect(at(window, 999).calls).toBe(20);
      // The last call was in slice 9 (t = 950); a gap of the whole window from it empties everything.
      expect(at(window, 950 + gap)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
      ok(window, 950 + gap);
      expect(counts(window)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
    },
  );

  it('keeps counting into the current slice when the clock steps back', () => {
    const window = new TimeWindow(1000, 10);
    fail(window, 5_000); // slice 50
    fail(window, 4_000); // 1 s back: counted, into slice 50
    expect(at(window, 3_000)).toEqual({ calls: 2, failures: 2, slowCalls: 0 });
    // Both calls age out with slice 50, not 10 s after the stepped-back time.
    expect(at(window, 5_999).calls).toBe(2);
    expect(at(window, 6_000).calls).toBe(0);
  });

  it('recovers from a clock that stepped back once time moves forward again', () => {
    const window = new TimeWindow(400, 4);
    ok(window, 1_000); // slice 10
    fail(window, 200); // stepped back: slice 10
    ok(window, 1_100); // slice 11
    expect(at(window, 1_399)).toEqual({ calls: 3, failures: 1, slowCalls: 0 });
    expect(at(window, 1_400)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])(
    'counts a reading of %s from a broken clock into the current slice, losing nothing',
    (_label, broken) => {
      const window = new TimeWindow(1000, 10);
      fail(window, 5_000); // slice 50
      fail(window, broken);
      fail(window, 5_050);
      expect(at(window, 5_100)).toEqual({ calls: 3, failures: 3, slowCalls: 0 });
      // They age out with slice 50, as the clock goes on from where it was.
      expect(at(window, 5_999).calls).toBe(3);
      expect(at(window, 6_000).calls).toBe(0);
    },
  );

  it('handles negative times and slices that are not whole milliseconds', () => {
    const window = new TimeWindow(1000, 3); // slices of 333.33 ms
    fail(window, -10); // slice -1
    ok(window, 0); // slice 0
    expect(at(window, 666).calls).toBe(2); // slice 1
    expect(at(window, 667)).toEqual({ calls: 1, failures: 0, slowCalls: 0 }); // slice 2: -1 out
  });

  it('with a single bucket, drops everything as each window-long slice ends', () => {
    const window = new TimeWindow(1000, 1);
    fail(window, 100);
    fail(window, 999);
    expect(at(window, 999).calls).toBe(2);
    expect(at(window, 1000).calls).toBe(0);
  });

  it('clear() forgets everything and starts afresh at the next record', () => {
    const window = new TimeWindow(1000, 10);
    fail(window, 0);
    slowFail(window, 500);
    window.clear();
    expect(counts(window)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    ok(window, 600);
    expect(at(window, 600)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
    // The cleared failures do not come back or go negative when their slices rotate.
    expect(at(window, 1_000)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
    expect(at(window, 1_600)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
  });

  it('clear() lets a clock that was far ahead restart from an earlier time', () => {
    const window = new TimeWindow(1000, 10);
    ok(window, 1_000_000);
    window.clear();
    fail(window, 0);
    expect(at(window, 999).failures).toBe(1);
    expect(at(window, 1_000).failures).toBe(0);
  });

  it('clear() then a clock restarted earlier: old slices do not come back when time reaches them', () => {
    const window = new TimeWindow(400, 4); // slices of 100 ms
    fail(window, 1_000); // slice 10, slot 2
    slowFail(window, 1_100); // slice 11, slot 3
    window.clear();
    ok(window, 0); // slice 0, slot 0
    // Time walks forward through slices 10 and 11 again, recording nothing in slots 2 and 3.
    for (let t = 100; t <= 1_600; t += 100) {
      expect(at(window, t)).toEqual(
        t < 400 ? { calls: 1, failures: 0, slowCalls: 0 } : { calls: 0, failures: 0, slowCalls: 0 },
      );
    }
    ok(window, 1_600);
    expect(counts(window)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
  });

  it('advance() on an empty window is harmless', () => {
    const window = new TimeWindow(1000, 10);
    expect(at(window, 12_345)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    fail(window, 12_400);
    expect(at(window, 13_399).failures).toBe(1);
  });
});

describe('TimeWindow after a pause', () => {
  it('forgets everything after a pause longer than the window without visiting every slice', () => {
    const window = new TimeWindow(1_000, 1_000); // 1 000 slices of 1 ms
    for (let t = 0; t < 1_000; t++) fail(window, t);
    const fill = vi.spyOn(Float64Array.prototype, 'fill');
    try {
      expect(at(window, 10 ** 12)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
      ok(window, 10 ** 12 + 5);
      expect(fill).not.toHaveBeenCalled();
    } finally {
      fill.mockRestore();
    }
    expect(at(window, 10 ** 12 + 999)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
    expect(at(window, 10 ** 12 + 1_005)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
  });

  // A naive window (every outcome kept with its slice) against the ring, on random mixes of
  // records, pauses short and long, clock steps back and clear().
  it('counts what a list of every outcome would count', () => {
    type Step =
      | { kind: 'record'; failed: boolean; slow: boolean }
      | { kind: 'advance'; ms: number }
      | { kind: 'back'; ms: number }
      | { kind: 'clear'; rewind: number };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('record' as const),
          failed: fc.boolean(),
          slow: fc.boolean(),
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          ms: fc.oneof(
            fc.integer({ min: 0, max: 50 }),
            fc.integer({ min: 0, max: 3_000 }),
            fc.constant(10 ** 9),
          ),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('back' as const),
          ms: fc.integer({ min: 1, max: 2_000 }),
        }),
      },
      // clear() as the breaker calls it on a state change, sometimes with a clock restarted earlier.
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('clear' as const),
          rewind: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 }), fc.constant(-1)),
        }),
      },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(stepArb, { maxLength: 80 }),
        (durationMs, buckets, steps) => {
          const window = new TimeWindow(durationMs, buckets);
          const bucketMs = durationMs / buckets;
          let now = 0;
          // The model: outcomes with their slice; the latest slice seen; slices before it by
          // `buckets` or more are gone.
          let kept: Array<{ slice: number; failed: boolean; slow: boolean }> = [];
          let latest = Number.NaN;
          const see = (t: number) => {
            const slice = Math.floor(t / bucketMs);
            if (Number.isNaN(latest) || slice > latest) latest = slice;
            kept = kept.filter((o) => o.slice > latest - buckets);
          };
          for (const step of steps) {
            if (step.kind === 'advance') now += step.ms;
            else if (step.kind === 'back') now -= step.ms;
            else if (step.kind === 'clear') {
              now = step.rewind === -1 ? 0 : now - step.rewind; // -1: the clock restarts at 0
              window.clear();
              kept = [];
              latest = Number.NaN;
              continue;
            } else {
              see(now);
              kept.push({ slice: latest, failed: step.failed, slow: step.slow });
              window.record(step.failed, step.slow, now);
              continue;
            }
            see(now);
            expect(at(window, now)).toEqual({
              calls: kept.length,
              failures: kept.filter((o) => o.failed).length,
              slowCalls: kept.filter((o) => o.slow).length,
            });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
