import type { CircuitBreaker } from '@tripswitch/core';

// Read once per breaker: its bulkhead is fixed when it is built. A registry that evicts a breaker
// and builds it again builds a new object, looked at afresh.
const known = new WeakMap<CircuitBreaker, boolean>();

/**
 * @internal Whether a call through `breaker` may have to wait for its permit: when the breaker
 * has a bulkhead, whose queue (`maxQueue`, `queueTimeoutMs`) only `acquire()` honours —
 * `tryAcquire()` refuses at once when every slot is taken. Also true when that could not be read
 * (a clock that throws): `acquire()` then reports what went wrong, as a rejection.
 */
export function mayWait(breaker: CircuitBreaker): boolean {
  let wait = known.get(breaker);
  if (wait === undefined) {
    try {
      // stats() is the only public view of the bulkhead.
      wait = breaker.stats().bulkhead !== undefined;
    } catch {
      wait = true;
    }
    known.set(breaker, wait);
  }
  return wait;
}
