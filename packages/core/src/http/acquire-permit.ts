import type { CircuitBreaker } from '../circuit-breaker.ts';
import type { Permit } from '../permit.ts';

// Whether each breaker has a bulkhead, read once: a breaker's bulkhead is fixed when it is built.
const bulkheads = new WeakMap<CircuitBreaker, boolean>();

function hasBulkhead(breaker: CircuitBreaker): boolean {
  let known = bulkheads.get(breaker);
  if (known === undefined) {
    known = breaker.stats().bulkhead !== undefined;
    bulkheads.set(breaker, known);
  }
  return known;
}

/**
 * Takes a permit as `breaker.acquire({ signal })` does, without a promise when nothing can make
 * the call wait: when the breaker has no bulkhead (so no queue) and `signal` has not aborted, the
 * permit is `breaker.tryAcquire()`'s, returned as it is, and a refusal is a promise rejected with
 * `breaker.openError()` — what `acquire()` would have rejected with, having counted the same.
 * Otherwise it is `acquire()`'s promise. An adapter goes on at once with a permit, and through
 * the promise otherwise: the awaited acquire is most of a breaker's cost on a request.
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
  if (signal?.aborted !== true && !hasBulkhead(breaker)) {
    return breaker.tryAcquire() ?? Promise.reject(breaker.openError());
  }
  return breaker.acquire(signal === undefined ? undefined : { signal });
}
