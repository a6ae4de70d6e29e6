// Durations run on a monotonic clock by default: a step of the system clock changes no open
// period, trial deadline, timeout or window. vitest's fake timers fake both performance.now()
// and Date: advancing them is time passing; vi.setSystemTime() is a step of the system clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';
import { systemClock } from './clock.ts';
import type { Permit } from './permit.ts';

afterEach(() => {
  vi.useRealTimers();
});

const hour = 3_600_000;
const start = Date.parse('2026-12-01T12:00:00Z');

/** A breaker on the default clock that opens on its first failure, for 1 s. */
function opened(options: { halfOpenTimeoutMs?: number } = {}): CircuitBreaker {
  const breaker = new CircuitBreaker({
    consecutiveFailures: 1,
    halfOpenMaxCalls: 1,
    openDurationMs: 1_000,
    ...options,
  });
  (breaker.tryAcquire() as Permit).failure(new Error('down'));
  expect(breaker.state).toBe('open');
  return breaker;
}

describe('systemClock', () => {
  it('reads performance.timeOrigin + performance.now(), and Date.now() for wall-clock time', () => {
    vi.useFakeTimers({ now: start });
    expect(systemClock.now()).toBe(start);
    expect(systemClock.wallNow?.()).toBe(start);
    vi.advanceTimersByTime(1_500);
    expect(systemClock.now()).toBe(start + 1_500);
    vi.setSystemTime(start - hour);
    expect(systemClock.now()).toBe(start + 1_500);
    expect(systemClock.wallNow?.()).toBe(start - hour);
  });

  it('stays close to the epoch on the real clocks, so other processes can compare its readings', () => {
    // Not a duration: how far apart two clocks read at one moment (equal at the process's start,
    // apart since by the steps of the system clock alone).
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(hour);
  });
});

describe.each([
  ['back', -hour],
  ['forward', hour],
])('a step of the system clock %s by an hour', (_direction, step) => {
  it('changes neither retryAfterMs nor when the circuit admits a trial', () => {
    vi.useFakeTimers({ now: start });
    const breaker = opened();
    vi.advanceTimersByTime(400);
    vi.setSystemTime(Date.now() + step);
    expect(breaker.stats().retryAfterMs).toBe(600);
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.openError()).toMatchObject({ retryAfterMs: 600 });
    vi.advanceTimersByTime(599);
    expect(breaker.tryAcquire()).toBeNull();
    vi.advanceTimersByTime(1);
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(breaker.state).toBe('half-open');
  });

  it('moves openedAt in stats(), a wall-clock time, with it', () => {
    vi.useFakeTimers({ now: start });
    const breaker = opened();
    expect(breaker.stats().openedAt).toBe(start);
    vi.setSystemTime(Date.now() + step);
    expect(breaker.stats().openedAt).toBe(start + step);
  });

  it('changes no half-open trial deadline: a hung trial times out on time', () => {
    vi.useFakeTimers({ now: start });
    const breaker = opened({ halfOpenTimeoutMs: 5_000 });
    vi.advanceTimersByTime(1_000);
    expect(breaker.tryAcquire()).not.toBeNull(); // the trial hangs
    vi.setSystemTime(Date.now() + step);
    vi.advanceTimersByTime(4_999);
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.openError()).toMatchObject({ reason: 'half-open-full' });
    vi.advanceTimersByTime(1);
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state).toBe('open'); // the trial counted as failed, on time
  });

  it('changes no time window: its slices age out as time passes', () => {
    vi.useFakeTimers({ now: start });
    const breaker = new CircuitBreaker({ window: { type: 'time', durationMs: 10_000 } });
    (breaker.tryAcquire() as Permit).failure(new Error('down'));
    vi.setSystemTime(Date.now() + step);
    vi.advanceTimersByTime(9_999);
    expect(breaker.stats().calls).toBe(1);
    vi.advanceTimersByTime(1);
    expect(breaker.stats().calls).toBe(0);
  });

  it('changes no timeout, and no duration of a call', async () => {
    vi.useFakeTimers({ now: start });
    const breaker = new CircuitBreaker({ timeoutMs: 1_000 });
    const durations: number[] = [];
    breaker.on('success', ({ durationMs }) => durations.push(durationMs));
    const timedOut = breaker.execute(() => new Promise(() => {}));
    timedOut.catch(() => {});
    const slow = breaker.execute(
      () => new Promise((resolve) => setTimeout(() => resolve('done'), 300)),
    );
    vi.setSystemTime(Date.now() + step);
    await vi.advanceTimersByTimeAsync(300);
    await expect(slow).resolves.toBe('done');
    expect(durations).toEqual([300]);
    await vi.advanceTimersByTimeAsync(699);
    expect(breaker.stats().totals.timeouts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await expect(timedOut).rejects.toMatchObject({ code: 'ERR_CIRCUIT_TIMEOUT' });
  });
});

describe('an injected clock', () => {
  it('drives every duration, and is wall-clock time too when it has no wallNow', () => {
    let now = 5_000;
    const breaker = new CircuitBreaker({ clock: { now: () => now }, consecutiveFailures: 1 });
    (breaker.tryAcquire() as Permit).failure(new Error('down'));
    expect(breaker.stats()).toMatchObject({ openedAt: 5_000, retryAfterMs: 1_000 });
    now += 1_000;
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('with wallNow, shows openedAt on it and measures on now()', () => {
    let now = 5_000;
    let wall = start;
    const breaker = new CircuitBreaker({
      clock: { now: () => now, wallNow: () => wall },
      consecutiveFailures: 1,
    });
    (breaker.tryAcquire() as Permit).failure(new Error('down'));
    expect(breaker.stats()).toMatchObject({ openedAt: start, retryAfterMs: 1_000 });
    now += 250;
    wall += 250 - hour; // time passed, and the wall clock stepped back
    expect(breaker.stats()).toMatchObject({ openedAt: start - hour, retryAfterMs: 750 });
    expect(breaker.toJSON()).toMatchObject({ openedAt: 5_000, openUntil: 6_000 });
  });
});

describe('a snapshot restored in another process', () => {
  const snapshot = {
    version: 1,
    state: 'open',
    openedAt: 100_000,
    openUntil: 160_000,
    attempt: 2,
  } as const;

  it('keeps its times when its open period began on this clock’s past', () => {
    const breaker = new CircuitBreaker({ clock: { now: () => 130_000 }, initialState: snapshot });
    expect(breaker.toJSON()).toEqual(snapshot);
    expect(breaker.stats().retryAfterMs).toBe(30_000);
  });

  it('from a clock ahead of this one: begins now, and lasts no longer than it was long', () => {
    const breaker = new CircuitBreaker({ clock: { now: () => 40_000 }, initialState: snapshot });
    expect(breaker.toJSON()).toEqual({ ...snapshot, openedAt: 40_000, openUntil: 100_000 });
    expect(breaker.stats().retryAfterMs).toBe(60_000);
  });

  it('ends no later than the longest duration from now, whatever it says', () => {
    const breaker = new CircuitBreaker({
      clock: { now: () => 0 },
      initialState: { ...snapshot, openedAt: 0, openUntil: 1e15 },
    });
    expect(breaker.stats().retryAfterMs).toBe(2 ** 31 - 1);
  });

  it('on the default clock, a snapshot taken before a restart is read alike after it', () => {
    vi.useFakeTimers({ now: start });
    const first = opened();
    const saved = JSON.parse(JSON.stringify(first.toJSON()));
    // A new process starts 300 ms later: its clock starts from the epoch time again.
    vi.advanceTimersByTime(300);
    const restored = new CircuitBreaker({ initialState: saved, consecutiveFailures: 1 });
    expect(restored.stats().retryAfterMs).toBe(700);
    vi.advanceTimersByTime(700);
    expect(restored.tryAcquire()).not.toBeNull();
  });
});
