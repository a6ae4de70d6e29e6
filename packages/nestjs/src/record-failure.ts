import type { CircuitBreaker, Permit } from '@tripswitch/core';

/**
 * @internal Settles `permit` as failed with `error`, and tells whether the breaker counted it:
 * the core's fallback rule is that an error the breaker's `isFailure` ignores gets no fallback.
 * `Permit.failure()` does not say which it was, so the breaker's ignored total is compared
 * around it (settling is synchronous). Only asked for when there is a fallback to decide on.
 */
export function recordFailure(
  breaker: CircuitBreaker,
  permit: Permit,
  error: unknown,
  verdictWanted: boolean,
): boolean {
  if (!verdictWanted) {
    permit.failure(error);
    return false;
  }
  const ignoredBefore = breaker.stats().totals.ignored;
  permit.failure(error);
  return breaker.stats().totals.ignored === ignoredBefore;
}
