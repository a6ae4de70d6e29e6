import type { HttpClientBreakerOptions, RefusalFallback } from '@tripswitch/core/http';
import type { NormalizedOptions, PlainResponse, RequestError } from 'got';
import type { GotFallbackResponse } from './fallback-response.ts';

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
 * plus `key`, `isFailure` and `fallback`.
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
  /**
   * Answers an attempt the breaker refused — the circuit open, or half-open with every trial in
   * flight, or the `bulkhead` full — with a response, instead of failing it with the refusal. It
   * receives the refusal (`CircuitOpenError` or `BulkheadFullError`) and the attempt's options
   * (as `key` does), and returns the response as data, `{ statusCode, statusMessage?, headers?,
   * body? }`, or a got `Response` kept from an earlier request (its `rawBody` is sent again), or a
   * promise of either. got reads it as the server's response, through its whole pipeline:
   * `afterResponse` hooks, `throwHttpErrors` (a 5xx answer is an `HTTPError`, and may be
   * retried), `responseType`, `.json()`, and streams. The body is text or bytes as the caller
   * reads it: `content-length` is set from it, `content-encoding` and `transfer-encoding` are
   * left out. What it throws, the request fails with; rethrow the refusal to keep it.
   *
   * Only refusals are answered: got offers no hook that turns a failed attempt into a response,
   * and answering one would stop got's retries anyway. A failed attempt fails as without a
   * fallback; got retries it, and once the circuit is open the retry is refused and answered. An
   * attempt aborted while it waited for a bulkhead slot fails with the abort.
   * @defaultValue none: a refused attempt fails with the refusal
   */
  fallback?: RefusalFallback<NormalizedOptions, GotFallbackResponse> | undefined;
}
