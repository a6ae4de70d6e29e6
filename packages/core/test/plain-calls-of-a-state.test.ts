// Plain calls admitted while the circuit is closed (or disabled), and whose durations nothing
// measures, share one handle per state (call-runner.ts, EpochCalls). These tests try to make a
// shared handle settle a call as if it belonged to a state it was not admitted in, or skip the
// measurement of a call that needs it.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/index.ts';

/** A call held in flight until the test settles it. */
function heldCall(breaker: CircuitBreaker) {
  let resolve!: (value: string) => void;
  let reject!: (error: Error) => void;
  const answer = breaker.execute(
    () =>
      new Promise<string>((res, rej) => {
        resolve = res;
        reject = rej;
      }),
  );
  // Its failure is the test's own doing; what it rejects with is checked where it matters.
  answer.catch(() => {});
  return { answer, resolve, reject };
}

const fail = async (): Promise<never> => {
  throw new Error('down');
};

describe('a plain call admitted in one closed state', () => {
  it('counts only in the totals when it fails after the circuit opened and closed again', async () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 1 });
    const straggler = heldCall(breaker);
    await expect(breaker.execute(fail)).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    breaker.reset();
    expect(breaker.state).toBe('closed');

    straggler.reject(new Error('late'));
    await expect(straggler.answer).rejects.toThrow('late');
    // Counted in the closed state it was admitted in, it would open this one.
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().totals.failures).toBe(2);

    // A call of the new state counts.
    await expect(breaker.execute(fail)).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
  });

  it('counts in the state it was admitted in when the circuit stays closed', async () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 2 });
    const first = heldCall(breaker);
    const second = heldCall(breaker);
    first.reject(new Error('one'));
    await expect(first.answer).rejects.toThrow('one');
    expect(breaker.state).toBe('closed');
    second.reject(new Error('two'));
    await expect(second.answer).rejects.toThrow('two');
    expect(breaker.state).toBe('open');
  });

  it('settles each of many calls in flight at once, each once', async () => {
    const breaker = new CircuitBreaker({
      window: { type: 'count', size: 1_000 },
      minimumCalls: 1_000,
    });
    const calls = Array.from({ length: 300 }, () => heldCall(breaker));
    expect(breaker.inFlight).toBe(300);
    calls.forEach((call, i) => {
      if (i % 3 === 0) call.reject(new Error(`e${i}`));
      else call.resolve(`v${i}`);
    });
    const outcomes = await Promise.allSettled(calls.map((call) => call.answer));
    outcomes.forEach((outcome, i) => {
      if (i % 3 === 0) expect(outcome).toEqual({ status: 'rejected', reason: new Error(`e${i}`) });
      else expect(outcome).toEqual({ status: 'fulfilled', value: `v${i}` });
    });
    expect(breaker.inFlight).toBe(0);
    const { totals, calls: inWindow } = breaker.stats();
    expect(totals.successes).toBe(200);
    expect(totals.failures).toBe(100);
    expect(inWindow).toBe(300);
  });

  it('is timed once a listener wants durations, while the calls before it settle untimed', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ clock: { now: () => now } });
    const before = heldCall(breaker);
    const durations: number[] = [];
    breaker.on('success', ({ durationMs }) => durations.push(durationMs));
    const after = heldCall(breaker);
    now = 50;
    before.resolve('a');
    after.resolve('b');
    await expect(before.answer).resolves.toBe('a');
    await expect(after.answer).resolves.toBe('b');
    // The first was admitted when nothing measured it; the second was measured.
    expect(durations).toEqual([0, 50]);
  });

  it('judges results with isResultFailure, and passes them on either way', async () => {
    const breaker = new CircuitBreaker({
      consecutiveFailures: 2,
      isResultFailure: (value) => value === 'bad',
    });
    await expect(breaker.execute(async () => 'bad')).resolves.toBe('bad');
    await expect(breaker.execute(async () => 'good')).resolves.toBe('good');
    expect(breaker.stats().totals).toMatchObject({ successes: 1, failures: 1 });
    await expect(breaker.execute(() => 'bad')).resolves.toBe('bad');
    await expect(breaker.execute(async () => 'bad')).resolves.toBe('bad');
    expect(breaker.state).toBe('open');
  });

  it('shares nothing between breakers', async () => {
    const tripping = new CircuitBreaker({ consecutiveFailures: 1 });
    const other = new CircuitBreaker({ consecutiveFailures: 1 });
    const held = heldCall(other);
    await expect(tripping.execute(fail)).rejects.toThrow('down');
    held.resolve('fine');
    await expect(held.answer).resolves.toBe('fine');
    expect(tripping.state).toBe('open');
    expect(other.state).toBe('closed');
    expect(other.stats().totals).toMatchObject({ successes: 1, failures: 0 });
  });
});

describe('a plain call admitted as a half-open trial', () => {
  it('is settled as that trial, and closes the circuit', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({
      consecutiveFailures: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
      clock: { now: () => now },
    });
    await expect(breaker.execute(fail)).rejects.toThrow('down');
    now = 1_000;
    const trial = heldCall(breaker);
    expect(breaker.state).toBe('half-open');
    // The one trial slot is taken.
    await expect(breaker.execute(async () => 'x')).rejects.toThrow(/open/i);
    trial.resolve('ok');
    await expect(trial.answer).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });
});

describe('a plain call admitted while the circuit is disabled', () => {
  it('does not count in the closed state that follows', async () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 1 });
    breaker.disable();
    const straggler = heldCall(breaker);
    breaker.reset();
    straggler.reject(new Error('late'));
    await expect(straggler.answer).rejects.toThrow('late');
    expect(breaker.state).toBe('closed');
  });
});
