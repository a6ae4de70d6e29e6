import type {
  FallbackResponse,
  HttpClientBreakerOptions,
  RefusalFallback,
} from '@tripswitch/core/http';
import type { Dispatcher } from 'undici';

/** A response as the interceptor sees it: when its headers arrive, before any of its body. */
export interface UndiciResponse {
  /** The status code. */
  statusCode: number;
  /** The headers, names in lower case; a repeated header is an array. */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * How a request ended, as {@link UndiciBreakerOptions.isFailure} sees it. A request its caller
 * aborted never gets here: it is always ignored.
 */
export interface UndiciOutcome {
  /** The response, when one arrived. */
  response: UndiciResponse | undefined;
  /**
   * The error undici reported instead of a response, if any: an error whose `code` is
   * `'ECONNREFUSED'`, `'ECONNRESET'`, `'ENOTFOUND'`, `'UND_ERR_SOCKET'`,
   * `'UND_ERR_HEADERS_TIMEOUT'` …, or a `TimeoutError` `DOMException` when an
   * `AbortSignal.timeout()` deadline passed. Or undici's `ResponseError`, when an interceptor
   * closer to the agent (`interceptors.responseError()`) turned the response into one: then
   * `response` is set too, and the request is judged by it.
   */
  error: Error | undefined;
}

/**
 * Options of {@link breakerInterceptor}: the options every Tripswitch HTTP client shares (breaker
 * options applied to each per-origin breaker, `registry`, `maxBreakers`, `maxRetryAfterMs`),
 * plus `key`, `isFailure` and `fallback`.
 */
export interface UndiciBreakerOptions extends HttpClientBreakerOptions {
  /**
   * The key, and name, of the breaker a request goes through. It receives the request's dispatch
   * options (`origin`, `path`, `method`, `headers` …) as this interceptor sees them. Return
   * `undefined` to send the request around the breaker.
   * @defaultValue the origin (scheme, host, port) of the request
   */
  key?: ((options: Dispatcher.DispatchOptions) => string | undefined) | undefined;
  /**
   * Whether a request that was not cancelled failed, replacing the default rule: no response
   * (network error, undici's `headersTimeout`, a deadline passed) or a status of 5xx or 429 is a
   * failure; any other status, 4xx included, is a success. A 429 or 503 judged a failure still
   * holds the circuit open for its `Retry-After`. A predicate that throws counts a failure.
   * @defaultValue the rule above
   */
  isFailure?: ((outcome: UndiciOutcome) => boolean) | undefined;
  /**
   * Answers a request the breaker refused — the circuit open, or half-open with every trial in
   * flight, or the `bulkhead` full — with a response, instead of failing it with the refusal. It
   * receives the refusal (`CircuitOpenError` or `BulkheadFullError`) and the request's dispatch
   * options (as `key` does), and returns the response as data, `{ statusCode, statusMessage?,
   * headers?, body? }` (or a promise of it), which the caller's handler receives as a server's:
   * `undici.request()` resolves with it, `fetch` with a `Response`, and interceptors composed
   * outside this one see it too (put this one inside `interceptors.retry()`, and a refused retry
   * is answered). The body is text or bytes as the caller reads it: `content-length` is set from
   * it, and `content-encoding` and `transfer-encoding` are left out. What it throws is the error
   * the caller receives; rethrow the refusal to keep it. A request that was sent never reaches
   * it: a failure fails as it would without a fallback, and a request aborted while it waited
   * for a bulkhead slot fails with the abort.
   * @defaultValue none: a refused request fails with the refusal
   */
  fallback?: RefusalFallback<Dispatcher.DispatchOptions, FallbackResponse> | undefined;
}
