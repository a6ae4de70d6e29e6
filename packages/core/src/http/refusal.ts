import { type BulkheadFullError, type CircuitOpenError, InvalidOptionError } from '../errors.ts';

/**
 * An RFC 9457 problem document for a call a breaker refused. By default it names no breaker: a
 * breaker's name is internal — an HTTP client's is the origin it calls, such as
 * `http://inventory.internal:8080` — and a 503 goes to the public. A `problem` function can add
 * it (`breaker`), or write another body altogether.
 */
export interface RefusalProblem {
  /** The problem type (RFC 9457): none beyond the status. */
  type: 'about:blank';
  /** The status's reason phrase. */
  title: 'Service Unavailable';
  /** The response's status. */
  status: 503;
  /** What happened, in words that name nothing internal. */
  detail: string;
  /** `ERR_CIRCUIT_OPEN` or `ERR_BULKHEAD_FULL`: tells a breaker's refusal from other 503s. */
  code: 'ERR_CIRCUIT_OPEN' | 'ERR_BULKHEAD_FULL';
  /** The name of the breaker that refused, when a `problem` function put it there. */
  breaker?: string;
  /** How long until a retry may succeed, in milliseconds, when known. */
  retryAfterMs?: number;
}

/**
 * Writes the body of a refusal: given the refusal and the default problem document (which names
 * no breaker), returns the JSON body to send as `application/problem+json`. To name the breaker:
 * `(error, problem) => ({ ...problem, breaker: error.breakerName })`. If it throws or returns
 * something other than an object, the default document is sent and the error is written to
 * `console.error`; status and headers are never its to change.
 */
export type RefusalProblemFunction = (
  error: CircuitOpenError | BulkheadFullError,
  problem: RefusalProblem,
) => object;

/** Options of {@link refusalResponse}. */
export interface RefusalResponseOptions {
  /**
   * Writes the body instead of the default problem document; see {@link RefusalProblemFunction}.
   * @defaultValue the problem document, naming no breaker
   */
  problem?: RefusalProblemFunction | undefined;
}

/** The HTTP response a server sends for a refused call; see {@link refusalResponse}. */
export interface RefusalResponse {
  /** Service Unavailable. */
  status: 503;
  /** The headers to send. */
  headers: {
    /** The problem document's media type. */
    'content-type': 'application/problem+json';
    /** How long to wait before retrying, in whole seconds, when known. */
    'retry-after'?: string;
  };
  /** The problem document, or what a `problem` function made of it. */
  body: object;
}

// Half-open with its trial slots taken, or a full bulkhead: a retry in a moment may well pass.
const soonMs = 1_000;

/**
 * The response a server framework sends when a breaker refuses a request: 503 Service
 * Unavailable, `Retry-After` in whole seconds rounded up (left out when the circuit was forced
 * open and no one can say when it will close), and an `application/problem+json` body that names
 * no breaker unless `options.problem` adds it. Every Tripswitch server adapter sends it, for its
 * own breakers and for a refusal thrown by an HTTP client's.
 *
 * @example
 * ```ts
 * const { status, headers, body } = refusalResponse(error, {
 *   problem: (refusal, problem) => ({ ...problem, breaker: refusal.breakerName }),
 * });
 * res.writeHead(status, headers).end(JSON.stringify(body));
 * ```
 */
export function refusalResponse(
  error: CircuitOpenError | BulkheadFullError,
  options: RefusalResponseOptions = {},
): RefusalResponse {
  const retryAfterMs =
    error.code === 'ERR_BULKHEAD_FULL'
      ? soonMs
      : error.reason === 'half-open-full'
        ? soonMs
        : error.retryAfterMs;
  const seconds =
    retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
  const problem: RefusalProblem = {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: detailOf(error, seconds),
    code: error.code,
  };
  if (retryAfterMs !== undefined) problem.retryAfterMs = retryAfterMs;
  const body = options.problem === undefined ? problem : shaped(options.problem, error, problem);
  if (seconds === undefined) {
    return { status: 503, headers: { 'content-type': 'application/problem+json' }, body };
  }
  return {
    status: 503,
    headers: { 'content-type': 'application/problem+json', 'retry-after': String(seconds) },
    body,
  };
}

function detailOf(
  error: CircuitOpenError | BulkheadFullError,
  seconds: number | undefined,
): string {
  const retry = seconds === undefined ? '' : `; retry in ${seconds} s`;
  if (error.code === 'ERR_BULKHEAD_FULL') return `Too many calls are in progress${retry}`;
  if (error.reason === 'forced-open') return 'A circuit breaker refused the call: it is held open';
  return `A circuit breaker refused the call${retry}`;
}

function shaped(
  problem: RefusalProblemFunction,
  error: CircuitOpenError | BulkheadFullError,
  document: RefusalProblem,
): object {
  try {
    // A copy: the function may change what it is given without changing the fallback.
    const body: unknown = problem(error, { ...document });
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body;
    console.error(
      '[tripswitch] the refusal problem function returned no object; the default body was sent',
      body,
    );
  } catch (thrown) {
    console.error(
      '[tripswitch] the refusal problem function threw; the default body was sent',
      thrown,
    );
  }
  return document;
}

/**
 * @internal Checks a server adapter's `problem` option when the adapter is set up, so a wrong
 * value fails at start-up rather than on the first refusal.
 */
export function checkRefusalProblem(value: unknown): RefusalProblemFunction | undefined {
  if (value === undefined || typeof value === 'function') {
    return value as RefusalProblemFunction | undefined;
  }
  throw new InvalidOptionError(
    'problem',
    value,
    'a function (error, problem) => body, e.g. (error, problem) => ({ ...problem, breaker: error.breakerName })',
  );
}
