import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountWindow } from './count-window.ts';

type Outcome = 'ok' | 'fail' | 'slow' | 'slow-fail';

/** Records outcomes in order; a count window ignores the time argument. */
function record(window: CountWindow, ...outcomes: Outcome[]): void {
  for (const outcome of outcomes) {
    window.record(outcome === 'fail' || outcome === 'slow-fail', outcome.startsWith('slow'), 0);
  }
}

function counts(window: CountWindow) {
  return { calls: window.calls, failures: window.failures, slowCalls: window.slowCalls };
}

describe('CountWindow', () => {
  it('starts empty, with its size as capacity', () => {
    const window = new CountWindow(5);
    expect(window.capacity).toBe(5);
    expect(counts(window)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
  });

  it('counts calls, failures and slow calls until it is full', () => {
    const window = new CountWindow(5);
    record(window, 'ok', 'fail', 'slow', 'slow-fail');
    expect(counts(window)).toEqual({ calls: 4, failures: 2, slowCalls: 2 });
  });

  it('stops growing at its size and evicts the oldest outcome', () => {
    const window = new CountWindow(3);
    record(window, 'fail', 'fail', 'ok');
    expect(counts(window)).toEqual({ calls: 3, failures: 2, slowCalls: 0 });
    record(window, 'ok'); // evicts the first failure
    expect(counts(window)).toEqual({ calls: 3, failures: 1, slowCalls: 0 });
    record(window, 'ok'); // evicts the second failure
    expect(counts(window)).toEqual({ calls: 3, failures: 0, slowCalls: 0 });
  });

  it('evicts a slow failure from both counts', () => {
    const window = new CountWindow(2);
    record(window, 'slow-fail', 'slow');
    expect(counts(window)).toEqual({ calls: 2, failures: 1, slowCalls: 2 });
    record(window, 'ok');
    expect(counts(window)).toEqual({ calls: 2, failures: 0, slowCalls: 1 });
    record(window, 'ok');
    expect(counts(window)).toEqual({ calls: 2, failures: 0, slowCalls: 0 });
  });

  it('keeps exact counts over many laps of the ring', () => {
    const window = new CountWindow(7);
    const pattern: Outcome[] = [
      'ok',
      'fail',
      'slow',
      'slow-fail',
      'fail',
      'ok',
      'ok',
      'slow',
      'fail',
    ];
    const history: Outcome[] = [];
    for (let i = 0; i < 500; i++) {
      const outcome = pattern[(i * 5 + (i >> 3)) % pattern.length] as Outcome;
      record(window, outcome);
      history.push(outcome);
      const last = history.slice(-7);
      expect(counts(window)).toEqual({
        calls: last.length,
        failures: last.filter((o) => o.endsWith('fail')).length,
        slowCalls: last.filter((o) => o.startsWith('slow')).length,
      });
    }
  });

  it('works with a size of 1: each outcome replaces the last', () => {
    const window = new CountWindow(1);
    record(window, 'slow-fail');
    expect(counts(window)).toEqual({ calls: 1, failures: 1, slowCalls: 1 });
    record(window, 'ok');
    expect(counts(window)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
  });

  it('ignores time: advance() drops nothing', () => {
    const window = new CountWindow(3);
    record(window, 'fail', 'slow');
    window.advance(Number.MAX_SAFE_INTEGER);
    expect(counts(window)).toEqual({ calls: 2, failures: 1, slowCalls: 1 });
  });

  it('clear() forgets everything, and old outcomes do not come back when the ring refills', () => {
    const window = new CountWindow(3);
    record(window, 'slow-fail', 'fail', 'fail', 'slow');
    window.clear();
    expect(counts(window)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    record(window, 'ok', 'ok', 'ok');
    expect(counts(window)).toEqual({ calls: 3, failures: 0, slowCalls: 0 });
    record(window, 'fail'); // evicts one of the new successes, not a stale failure
    expect(counts(window)).toEqual({ calls: 3, failures: 1, slowCalls: 0 });
  });

  it('clear() in the middle of a lap restarts cleanly', () => {
    const window = new CountWindow(4);
    record(window, 'fail', 'fail');
    window.clear();
    record(window, 'ok', 'ok', 'ok', 'ok', 'ok');
    expect(counts(window)).toEqual({ calls: 4, failures: 0, slowCalls: 0 });
  });
});

describe('CountWindow, against the last outcomes kept in a list', () => {
  // Runs of good calls long enough to fill the window, where record() skips the ring, broken by
  // bad ones that land wherever the ring's next slot was left.
  const outcome = fc.oneof(
    { weight: 6, arbitrary: fc.constant<Outcome>('ok') },
    { weight: 1, arbitrary: fc.constantFrom<Outcome>('fail', 'slow', 'slow-fail') },
  );
  const runs = fc.array(fc.tuple(outcome, fc.integer({ min: 1, max: 20 })), { maxLength: 40 });

  it('counts calls, failures, slow calls and the run of failures as the list does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), runs, (size, sequence) => {
        const window = new CountWindow(size);
        const history: Outcome[] = [];
        for (const [each, times] of sequence) {
          for (let i = 0; i < times; i++) {
            record(window, each);
            history.push(each);
            const last = history.slice(-size);
            let run = 0;
            while (run < history.length && history[history.length - 1 - run]?.endsWith('fail')) {
              run++;
            }
            expect({ ...counts(window), consecutiveFailures: window.consecutiveFailures }).toEqual({
              calls: last.length,
              failures: last.filter((o) => o.endsWith('fail')).length,
              slowCalls: last.filter((o) => o.startsWith('slow')).length,
              consecutiveFailures: run,
            });
          }
        }
      }),
    );
  });
});
