import { isBulkheadFullError, isCircuitOpenError } from '@tripswitch/core';

/**
 * The error a caller receives: got wraps whatever a `beforeRequest` hook throws in a
 * `RequestError` (code copied from it, the thrown error as `cause`); a breaker's refusal is
 * handed over as itself — `CircuitOpenError` or `BulkheadFullError` — as the axios and fetch
 * adapters do, so one `isCircuitOpenError(error)` check works whichever client made the call.
 */
export function unwrapRefusal(error: Error): Error {
  const { cause } = error;
  if (!isCircuitOpenError(cause) && !isBulkheadFullError(cause)) return error;
  return (error as { code?: unknown }).code === cause.code ? cause : error;
}
