import {
  type BulkheadFullError,
  type CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '../errors.ts';

/**
 * An HTTP client adapter's `fallback`: answers a request its breaker refused — the circuit open,
 * or half-open with every trial in flight, or the bulkhead full — with a response of the
 * client's own kind (a cached one, a default), instead of the refusal. It receives the refusal
 * and the request as the adapter's `key` sees it; what it throws (or a promise it returns
 * rejects with) is what the caller receives. A request that was sent is never given to it:
 * failures reach the caller as they would without it, so the client's own retries still see
 * them.
 *
 * @typeParam TRequest - the request as the client's adapter sees it.
 * @typeParam TResponse - what the fallback answers with.
 */
export type RefusalFallback<TRequest, TResponse> = (
  error: CircuitOpenError | BulkheadFullError,
  request: TRequest,
) => TResponse | PromiseLike<TResponse>;

/** Whether `error` is a breaker's refusal, from this or another copy of `@tripswitch/core`. */
export function isRefusal(error: unknown): error is CircuitOpenError | BulkheadFullError {
  return isCircuitOpenError(error) || isBulkheadFullError(error);
}

/**
 * Asks `fallback` for the answer to a refused request; always a promise, so a fallback that
 * throws rejects it with what it threw. `accept` checks what the fallback gave (and may convert
 * it), throwing an `InvalidOptionError` naming `fallback` when it is not a response the client
 * can use.
 *
 * Only refusals are answered. Every adapter sits around one attempt of a request, inside the
 * client's own retries (got's `retry`, axios-retry, undici's retry interceptor): answering a
 * failed attempt would stop those retries at the first failure, whereas a refused attempt is one
 * no retry should pursue. And a refusal holds no permit, so nothing the fallback does can change
 * what the breaker records.
 *
 * @example
 * ```ts
 * breaker.acquire().then(send, (error: unknown) =>
 *   fallback !== undefined && isRefusal(error)
 *     ? answerRefusal(fallback, error, request, checkResponse)
 *     : Promise.reject(error),
 * );
 * ```
 */
export function answerRefusal<TRequest, TResponse>(
  fallback: RefusalFallback<TRequest, unknown>,
  error: CircuitOpenError | BulkheadFullError,
  request: TRequest,
  accept: (answer: unknown) => TResponse,
): Promise<TResponse> {
  return new Promise<unknown>((resolve) => resolve(fallback(error, request))).then(accept);
}
