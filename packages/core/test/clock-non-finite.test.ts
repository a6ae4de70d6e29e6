// A clock may read NaN or ±Infinity once (a broken time source, a division by zero in a test's
// clock). The circuit takes such a reading as its last finite one, as if the clock stood still:
// one bad reading must neither open the circuit for good nor let trials through at once, nor
// put NaN or Infinity into what it reports (retryAfterMs, stats(), snapshots).
import { describe, expect, it } from 'vitest';
import { type BreakerSnapshot, CircuitBreaker, type Permit } from '../src/index.ts';

const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** A clock whose reading the test sets. */
function settableClock(reading: number) {
  const clock = { reading, now: () => clock.reading };
  return clock;
}

/**
 * A breaker that opens for 1 s on its first failure and closes on one good trial. It times its
 * calls (`slowCallDurationMs`), so it reads the clock when a call is admitted.
 */
function breakerOn(clock: { now(): number; wallNow?(): number }, extra = {}): CircuitBreaker {
  const breaker = new CircuitBreaker({
    name: 'non-finite',
    clock,
    consecutiveFailures: 1,
    openDurationMs: 1_000,
    halfOpenMaxCalls: 1,
    slowCallDurationMs: 60_000,
    ...extra,
  });
  breaker.on('callbackError', () => {});
  return breaker;
}

/** Opens `breaker` with a failure admitted and settled at the clock's reading now. */
function openAt(breaker: CircuitBreaker): void {
  (breaker.tryAcquire() as Permit).failure(new Error('down'));
  expect(breaker.state).toBe('open');
}

/** Every number in `value`, however deep. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(numbersIn);
}

describe.each(bad)('a clock that reads %s', (reading) => {
  it('as the circuit opens: the open period runs from the last finite reading', () => {
    const clock = settableClock(1_000);
    const breaker = breakerOn(clock);
    const permit = breaker.tryAcquire() as Permit; // admitted, and timed, at 1,000
    clock.reading = reading;
    permit.failure(new Error('down'));
    expect(breaker.state).toBe('open');
    expect(breaker.toJSON()).toEqual({
      version: 1,
      state: 'open',
      openedAt: 1_000,
      openUntil: 2_000,
      attempt: 1,
    });
    clock.reading = 1_999;
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.openError()).toMatchObject({ reason: 'open', retryAfterMs: 1 });
    clock.reading = 2_000;
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(breaker.state).toBe('half-open');
  });

  it('while open: the circuit neither half-opens nor reports anything but finite numbers', () => {
    const clock = settableClock(1_000);
    const breaker = breakerOn(clock);
    openAt(breaker);
    clock.reading = reading;
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state).toBe('open');
    expect(breaker.openError()).toMatchObject({ retryAfterMs: 1_000 });
    const stats = breaker.stats();
    expect(stats).toMatchObject({ openedAt: 1_000, retryAfterMs: 1_000 });
    expect(numbersIn(stats).every(Number.isFinite)).toBe(true);
    expect(numbersIn(breaker.toJSON()).every(Number.isFinite)).toBe(true);
    clock.reading = 2_000;
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(breaker.state).toBe('half-open');
  });

  it('as a trial is admitted: the trial still times out, and the circuit reopens', () => {
    const clock = settableClock(1_000);
    const breaker = breakerOn(clock, { halfOpenTimeoutMs: 5_000 });
    openAt(breaker);
    clock.reading = 2_000;
    breaker.stats(); // the circuit's last finite reading is 2,000: its open period is over
    clock.reading = reading;
    const trial = breaker.tryAcquire(); // the trial hangs: never settled
    expect(trial).not.toBeNull();
    expect(breaker.state).toBe('half-open');
    clock.reading = 6_999;
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.openError()).toMatchObject({ reason: 'half-open-full' });
    clock.reading = 7_000;
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state).toBe('open');
  });

  it('as a dependency asks to be left alone: the hold runs from the last finite reading', () => {
    const clock = settableClock(1_000);
    const breaker = breakerOn(clock);
    const permit = breaker.tryAcquire() as Permit;
    clock.reading = reading;
    permit.failure(new Error('busy'), { retryAfterMs: 5_000 });
    expect(breaker.toJSON()).toMatchObject({ state: 'open', openedAt: 1_000, openUntil: 6_000 });
    clock.reading = 5_999;
    expect(breaker.tryAcquire()).toBeNull();
    clock.reading = 6_000;
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('while half-open: toJSON() gives a snapshot that restores', () => {
    const clock = settableClock(1_000);
    const breaker = breakerOn(clock);
    openAt(breaker);
    clock.reading = 2_000;
    expect(breaker.tryAcquire()).not.toBeNull();
    clock.reading = reading;
    const snapshot = breaker.toJSON();
    expect(snapshot).toEqual({
      version: 1,
      state: 'open',
      openedAt: 1_000,
      openUntil: 2_000,
      attempt: 1,
    });
    expect(() => breakerOn(settableClock(2_000), { initialState: snapshot })).not.toThrow();
  });

  it('as a snapshot is restored: the restored period is no longer than it was long', () => {
    // Nothing finite was read yet: the circuit counts time from 0, as a clock that starts there.
    const clock = settableClock(reading);
    const snapshot: BreakerSnapshot = {
      version: 1,
      state: 'open',
      openedAt: 0,
      openUntil: 1_000,
      attempt: 1,
    };
    const breaker = breakerOn(clock, { initialState: snapshot });
    expect(breaker.toJSON()).toEqual(snapshot);
    clock.reading = 999;
    expect(breaker.tryAcquire()).toBeNull();
    clock.reading = 1_000;
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('from wallNow(): stats().openedAt is the time on the breaker clock instead', () => {
    const clock = { reading: 1_000, now: () => clock.reading, wallNow: () => reading };
    const breaker = breakerOn(clock);
    openAt(breaker);
    expect(breaker.stats().openedAt).toBe(1_000);
  });

  it('in a call: the durations reported are finite, and a call of no measured length is not slow', async () => {
    const clock = settableClock(1_000);
    const breaker = breakerOn(clock, { consecutiveFailures: undefined, slowCallDurationMs: 1 });
    const durations: number[] = [];
    breaker.on('success', ({ durationMs }) => durations.push(durationMs));
    await breaker.execute(async () => {
      clock.reading = reading;
    });
    expect(durations).toEqual([0]);
    expect(breaker.stats().totals.slowCalls).toBe(0);
  });
});
