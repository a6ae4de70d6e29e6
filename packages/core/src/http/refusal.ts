import type { BulkheadFullError, CircuitOpenError } from '../errors.ts';

/** An RFC 9457 problem document for a call a breaker refused. */
export interface RefusalProblem {
  type: 'about:blank';
  title: 'Service Unavailable';
  status: 503;
  /** What happened, in words. */
  detail: string;
  /** `ERR_CIRCUIT_OPEN` or `ERR_BULKHEAD_FULL`: tells a breaker's refusal from other 503s. */
  code: 'ERR_CIRCUIT_OPEN' | 'ERR_BULKHEAD_FULL';
  /** The name of the breaker that refused. */
  breaker: string;
  /** How long until a retry may succeed, in milliseconds, when known. */
  retryAfterMs?: number;
}

/** The HTTP response a server sends for a refused call; see {@link refusalResponse}. */
export interface RefusalResponse {
  status: 503;
  headers: { 'content-type': 'application/problem+json'; 'retry-after'?: string };
  body: RefusalProblem;
}

// Half-open with its trial slots taken, or a full bulkhead: a retry in a moment may well pass.
const soonMs = 1_000;

/**
 * The response a server framework sends when a breaker refuses a request: 503 Service
 * Unavailable, `Retry-After` in whole seconds rounded up (left out when the circuit was forced
 * open and no one can say when it will close), and an `application/problem+json` body.
 */
export function refusalResponse(error: CircuitOpenError | BulkheadFullError): RefusalResponse {
  const retryAfterMs =
    error.code === 'ERR_BULKHEAD_FULL'
      ? soonMs
      : error.reason === 'half-open-full'
        ? soonMs
        : error.retryAfterMs;
  const body: RefusalProblem = {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: error.message,
    code: error.code,
    breaker: error.breakerName,
  };
  if (retryAfterMs === undefined) {
    return { status: 503, headers: { 'content-type': 'application/problem+json' }, body };
  }
  return {
    status: 503,
    headers: {
      'content-type': 'application/problem+json',
      'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    },
    body: { ...body, retryAfterMs },
  };
}
