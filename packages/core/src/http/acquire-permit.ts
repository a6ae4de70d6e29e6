import type { CircuitBreaker } from '../circuit-breaker.ts';
import type { Permit } from '../permit.ts';

// Whether a breaker may make a caller wait: true when it has a bulkhead (whose queue may take
// the call), or when that could not be read. Read once per breaker: its bulkhead is fixed when
// it is built.
const mayWait = new WeakMap<CircuitBreaker, boolean>();

function canMakeWait(breaker: CircuitBreaker): boolean {
  let known = mayWait.get(breaker);
  if (known === undefined) {
    try {
      // stats() is the only public view of the bulkhead; it reads the breaker's clock once.
      known = breaker.stats().bulkhead !== undefined;
    } catch {
      // A clock that throws: acquire() takes every permit of this breaker, as it always did.
      known = true;
    }
    mayWait.set(breaker, known);
  }
  return known;
}

// A real AbortSignal that has not aborted; a look-alike throws in the `aborted` getter.
function isLiveSignal(signal: AbortSignal): boolean {
  try {
    return signal instanceof AbortSignal && !signal.aborted;
  } catch {
    return false;
  }
}

/**
 * Takes a permit as `breaker.acquire({ signal })` does, without a promise when nothing can make
 * the call wait: when the breaker has no bulkhead (so no queue) and `signal`, if any, is an
 * AbortSignal that has not aborted, the permit is `breaker.tryAcquire()`'s, returned as it is.
 * A refusal, or a throw (a user's clock), is then a promise rejected with what `acquire()` would
 * have rejected with — `breaker.openError()` for a refusal — having counted the same. Otherwise
 * it is `acquire()`'s promise. An adapter goes on at once with a permit, and through the promise
 * otherwise: the awaited acquire is much of a breaker's cost on a request.
 *
 * @example
 * ```ts
 * const admitted = acquirePermit(breaker, signal);
 * if (!(admitted instanceof Promise)) return send(admitted, request);
 * return admitted.then((permit) => send(permit, request));
 * ```
 */
export function acquirePermit(
  breaker: CircuitBreaker,
  signal?: AbortSignal | undefined,
): Permit | Promise<Permit> {
  if ((signal === undefined || isLiveSignal(signal)) && !canMakeWait(breaker)) {
    try {
      return breaker.tryAcquire() ?? Promise.reject(breaker.openError());
    } catch (error) {
      // acquire() is async: what it throws reaches its caller as a rejection.
      return Promise.reject(error);
    }
  }
  return breaker.acquire(signal === undefined ? undefined : { signal });
}
