import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitBreakerOptions } from './index.ts';

// permit.failure() says what it recorded: true for a failure, false for an ignored call or a
// settlement after the first. Adapters decide on fallbacks with it, so it must agree with the
// totals on every path, hostile predicates included.

const boom = new Error('boom');

function breaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  let now = 0;
  return new CircuitBreaker({ clock: { now: () => now++ }, ...options });
}

describe('permit.failure() returns its verdict', () => {
  it('is true for a failure, recorded in the failures total', () => {
    const b = breaker();
    expect(b.tryAcquire()?.failure(boom)).toBe(true);
    expect(b.stats().totals).toMatchObject({ failures: 1, ignored: 0 });
  });

  it('is false for an error isFailure rejects, which is ignored', () => {
    const b = breaker({ isFailure: (error) => error !== boom });
    expect(b.tryAcquire()?.failure(boom)).toBe(false);
    expect(b.tryAcquire()?.failure(new Error('other'))).toBe(true);
    expect(b.stats().totals).toMatchObject({ failures: 1, ignored: 1 });
  });

  it('is true when isFailure throws: the call counts as a failure', () => {
    const b = breaker({
      isFailure: () => {
        throw new Error('predicate broke');
      },
    });
    const reported: unknown[] = [];
    b.on('callbackError', ({ error }) => reported.push(error));
    expect(b.tryAcquire()?.failure(boom)).toBe(true);
    expect(b.stats().totals.failures).toBe(1);
    expect(reported).toHaveLength(1);
  });

  it('is false for every settlement after the first, which records nothing', () => {
    const b = breaker({ isFailure: (error) => error === boom });
    const failed = b.tryAcquire();
    expect(failed?.failure(boom)).toBe(true);
    expect(failed?.failure(boom)).toBe(false);
    const succeeded = b.tryAcquire();
    succeeded?.success();
    expect(succeeded?.failure(boom)).toBe(false);
    const ignored = b.tryAcquire();
    ignored?.ignore();
    expect(ignored?.failure(boom)).toBe(false);
    expect(b.stats().totals).toMatchObject({ successes: 1, failures: 1, ignored: 1 });
  });

  it('is true for a straggler admitted before a state change: it counts in the totals', () => {
    const b = breaker();
    const straggler = b.tryAcquire();
    b.isolate();
    b.reset();
    expect(straggler?.failure(boom)).toBe(true);
    expect(b.stats()).toMatchObject({ calls: 0, totals: { failures: 1 } });
  });

  it('is true with retryAfterMs, and false with it when ignored', () => {
    const b = breaker({ isFailure: (error) => error === boom, minimumCalls: 1 });
    expect(b.tryAcquire()?.failure(new Error('not ours'), { retryAfterMs: 5_000 })).toBe(false);
    expect(b.tryAcquire()?.failure(boom, { retryAfterMs: 5_000, durationMs: 3 })).toBe(true);
    expect(b.state).toBe('open');
  });

  it('agrees with the failures total over any mix of settlements', () => {
    const settlement = fc.constantFrom('success', 'ignore', 'fail', 'fail-ignored', 'fail-throws');
    fc.assert(
      fc.property(fc.array(fc.array(settlement, { minLength: 1, maxLength: 3 })), (permits) => {
        const b = breaker({
          window: { type: 'count', size: 5 },
          minimumCalls: 3,
          openDurationMs: 1,
          isFailure: (error) => {
            if (error === 'throw') throw new Error('predicate broke');
            return error !== 'ignored';
          },
        });
        b.on('callbackError', () => {});
        for (const settlements of permits) {
          const permit = b.tryAcquire();
          if (permit === null) continue;
          for (const [index, how] of settlements.entries()) {
            const before = b.stats().totals.failures;
            if (how === 'success') permit.success();
            else if (how === 'ignore') permit.ignore();
            else {
              const error = how === 'fail' ? boom : how === 'fail-ignored' ? 'ignored' : 'throw';
              const verdict = permit.failure(error);
              expect(verdict).toBe(b.stats().totals.failures === before + 1);
              expect(verdict).toBe(index === 0 && how !== 'fail-ignored');
            }
          }
        }
      }),
    );
  });
});
