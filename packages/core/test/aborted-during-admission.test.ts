// A caller's signal can abort while its call is being admitted: a stateChange listener the
// admission runs (open -> half-open) may abort it. The call then must not wait in the bulkhead's
// queue for an abort event that is already over.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../src/index.ts';

afterEach(() => {
  vi.useRealTimers();
});

/**
 * A breaker whose only bulkhead slot is held by a call that timed out and runs on, and whose
 * circuit that timeout opened; `elapse()` ends the open period, so the next call moves the
 * circuit to half-open.
 */
async function openWithSlotHeld() {
  vi.useFakeTimers();
  let now = 0;
  const breaker = new CircuitBreaker({
    name: 'aborted-during-admission',
    clock: { now: () => now },
    timeoutMs: 10,
    consecutiveFailures: 1,
    openDurationMs: 1_000,
    halfOpenMaxCalls: 5,
    bulkhead: { maxConcurrent: 1, maxQueue: 5 },
  });
  const hung = breaker.execute(() => new Promise(() => {}));
  hung.catch(() => {});
  await vi.advanceTimersByTimeAsync(10);
  expect(breaker.state).toBe('open');
  expect(breaker.stats().bulkhead).toMatchObject({ active: 1, lingering: 1 });
  return {
    breaker,
    elapse: () => {
      now += 1_000;
    },
  };
}

/** Whether `promise` has settled once pending work (and no timer) has run. */
async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  let outcome = 'pending';
  promise.then(
    () => {
      outcome = 'resolved';
    },
    (error: unknown) => {
      outcome = `rejected: ${(error as Error).message}`;
    },
  );
  await vi.advanceTimersByTimeAsync(0);
  return outcome;
}

describe('a signal aborted by a listener while its call is admitted', () => {
  it.each([
    [
      'execute()',
      (b: CircuitBreaker, signal: AbortSignal) => b.execute(async () => 'ran', { signal }),
    ],
    ['acquire()', (b: CircuitBreaker, signal: AbortSignal) => b.acquire({ signal })],
  ])('%s rejects with the reason at once, leaving no waiter in the queue', async (_, call) => {
    const { breaker, elapse } = await openWithSlotHeld();
    const controller = new AbortController();
    breaker.on('stateChange', ({ to }) => {
      if (to === 'half-open') controller.abort(new Error('caller gave up'));
    });
    elapse();
    const promise = call(breaker, controller.signal);
    expect(await outcomeOf(promise)).toBe('rejected: caller gave up');
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 1, queued: 0 },
      totals: { cancelled: 1 },
    });
    // No timer is left behind by the call that gave up.
    expect(vi.getTimerCount()).toBe(0);
  });
});
