// permit.failure(error, options): a permit marks itself settled before it reads the options, so
// options whose getters throw must not stop the call from being recorded — it would hold its
// bulkhead slot and its place in flight for good.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type FailureOptions, type Permit } from '../src/index.ts';

/** Failure options whose `field` getter throws. */
function throwingOn(field: keyof FailureOptions): FailureOptions {
  return Object.defineProperty({}, field, {
    enumerable: true,
    get() {
      throw new Error(`${field} getter threw`);
    },
  }) as FailureOptions;
}

describe('failure options whose getters throw', () => {
  it.each(['durationMs', 'retryAfterMs'] as const)(
    'a throwing %s is a detail not given: the failure is recorded and the slot freed',
    (field) => {
      const breaker = new CircuitBreaker({ name: 'getters', bulkhead: { maxConcurrent: 1 } });
      const permit = breaker.tryAcquire() as Permit;
      expect(permit.failure(new Error('down'), throwingOn(field))).toBe(true);
      const { inFlight, bulkhead, totals } = breaker.stats();
      expect({ inFlight, active: bulkhead?.active, failures: totals.failures }).toEqual({
        inFlight: 0,
        active: 0,
        failures: 1,
      });
      expect(breaker.tryAcquire()).not.toBeNull();
    },
  );

  it('each detail is read once', () => {
    let reads = 0;
    const breaker = new CircuitBreaker({ name: 'getters', clock: { now: () => 0 } });
    const durations: number[] = [];
    breaker.on('failure', ({ durationMs }) => durations.push(durationMs));
    const options = {
      get durationMs() {
        reads++;
        return reads === 1 ? 250 : Number.NaN;
      },
    };
    (breaker.tryAcquire() as Permit).failure(new Error('down'), options);
    expect({ reads, durations }).toEqual({ reads: 1, durations: [250] });
  });
});
