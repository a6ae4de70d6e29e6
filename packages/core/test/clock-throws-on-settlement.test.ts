// A permit marks itself settled before it reports to the breaker, so whatever the breaker's
// clock throws while the call is recorded, the call must leave flight and free its bulkhead slot:
// nothing else ever will.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type Permit } from '../src/index.ts';

describe('a clock that throws while a permit is settled', () => {
  it.each([
    ['success()', (p: Permit) => p.success()],
    ['failure()', (p: Permit) => p.failure(new Error('down'))],
    [
      'failure() with retryAfterMs',
      (p: Permit) => p.failure(new Error('busy'), { retryAfterMs: 5_000 }),
    ],
    ['ignore()', (p: Permit) => p.ignore()],
  ])('%s frees the slot and counts the call', (_, settle) => {
    let broken = false;
    const breaker = new CircuitBreaker({
      name: 'clock-on-settlement',
      slowCallDurationMs: 1_000,
      bulkhead: { maxConcurrent: 1 },
      clock: {
        now: () => {
          if (broken) throw new Error('clock broke');
          return 0;
        },
      },
    });
    breaker.on('callbackError', () => {});
    const permit = breaker.tryAcquire() as Permit;
    broken = true;
    try {
      settle(permit);
    } catch {
      // The clock's error may reach the settler: an adapter settles through judgeAndSettle.
    }
    broken = false;
    const { inFlight, bulkhead, totals } = breaker.stats();
    expect({ inFlight, active: bulkhead?.active }).toEqual({ inFlight: 0, active: 0 });
    expect(totals.successes + totals.failures + totals.ignored).toBe(1);
    expect(breaker.tryAcquire()).not.toBeNull();
  });
});
