import type { HttpClientBreakerOptions } from '@tripswitch/core/http';
import type { NormalizedOptions, PlainResponse, RequestError } from 'got';

/**
 * How one attempt ended, as {@link GotBreakerOptions.isFailure} sees it. An attempt its caller
 * cancelled, or one that never left the process (a hook threw before it was sent), never gets
 * here: it is always ignored.
 */
export interface GotOutcome {
  /**
   * The response of this attempt, when one arrived — also one got turned into an `HTTPError`
   * (then it is `error.response` too). A stream's response has headers but no body.
   */
  response: PlainResponse | undefined;
  /**
   * What got raised for this attempt, if anything: an `HTTPError` (a status got refuses), a
   * `TimeoutError` (`error.code` is `'ETIMEDOUT'`), a `RequestError` whose `code` is
   * `'ECONNREFUSED'`, `'ENOTFOUND'`, `'ECONNRESET'` … for a network error, a `ReadError` for a body
   * cut short, or the error a hook threw after the response arrived.
   */
  error: RequestError | undefined;
}

/**
 * Options of {@link breakerHooks}: the options every Tripswitch HTTP client shares (breaker
 * options applied to each per-origin breaker, `registry`, `maxBreakers`, `maxRetryAfterMs`),
 * plus `key` and `isFailure`.
 */
export interface GotBreakerOptions extends HttpClientBreakerOptions {
  /**
   * The key, and name, of the breaker an attempt goes through. It receives the attempt's
   * options as `beforeRequest` hooks do, with `url` resolved (`prefixUrl` and `searchParams`
   * applied). Return `undefined` to send the attempt around the breaker.
   * @defaultValue the origin (scheme, host, port) of the request's URL
   */
  key?: ((options: NormalizedOptions) => string | undefined) | undefined;
  /**
   * Whether an attempt that was not cancelled failed, replacing the default rule: no response
   * (network error, timeout), a body cut short, or a status of 5xx or 429 is a failure; any other
   * status, 4xx included, is a success. A 429 or 503 judged a failure still holds the circuit
   * open for its `Retry-After`. Judged by the status whatever `throwHttpErrors` says; a predicate
   * that throws counts a failure. Not asked about an attempt aborted by an
   * `AbortSignal.timeout()` signal: that is a timeout, a failure.
   * @defaultValue the rule above
   */
  isFailure?: ((outcome: GotOutcome) => boolean) | undefined;
}
