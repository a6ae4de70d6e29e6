import type { HttpClientBreakerOptions } from '@tripswitch/core/http';
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
   * `AbortSignal.timeout()` deadline passed.
   */
  error: Error | undefined;
}

/**
 * Options of {@link breakerInterceptor}: the options every Tripswitch HTTP client shares (breaker
 * options applied to each per-origin breaker, `registry`, `maxBreakers`, `maxRetryAfterMs`),
 * plus `key` and `isFailure`.
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
}
