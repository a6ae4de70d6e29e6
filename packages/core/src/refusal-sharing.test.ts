import { describe, expect, it } from 'vitest';
import { CircuitBreaker, isCircuitOpenError } from './index.ts';

/** A breaker opened by one failure, for an hour, on a clock the test moves by hand. */
async function openBreaker() {
  let now = 0;
  const breaker = new CircuitBreaker({
    clock: { now: () => now },
    consecutiveFailures: 1,
    openDurationMs: 3_600_000,
  });
  await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => {});
  return {
    breaker,
    advance(ms: number) {
      now += ms;
    },
  };
}

const never = () => Promise.resolve('should not run');

describe('refused execute() calls', () => {
  it('share one rejection while what its error says is unchanged, and count each refusal', async () => {
    const { breaker } = await openBreaker();
    const first = breaker.execute(never);
    const second = breaker.execute(never);
    expect(second).toBe(first);
    const error = await first.catch((e: unknown) => e);
    expect(isCircuitOpenError(error) && error.retryAfterMs).toBe(3_600_000);
    expect(breaker.stats().totals.rejected).toBe(2);
  });

  it('get a new error once the time until a trial has changed', async () => {
    const { breaker, advance } = await openBreaker();
    const before = await breaker.execute(never).catch((e: unknown) => e);
    advance(1);
    const after = await breaker.execute(never).catch((e: unknown) => e);
    expect(after).not.toBe(before);
    expect(isCircuitOpenError(after) && after.retryAfterMs).toBe(3_599_999);
  });

  it('get a new error after a state change, with the reason of the new refusal', async () => {
    const { breaker } = await openBreaker();
    const open = await breaker.execute(never).catch((e: unknown) => e);
    breaker.isolate();
    const forced = await breaker.execute(never).catch((e: unknown) => e);
    expect(forced).not.toBe(open);
    expect(isCircuitOpenError(forced) && forced.reason).toBe('forced-open');
  });
});
