import type { HttpClientBreakerOptions, RefusalFallback } from '@tripswitch/core/http';

declare global {
  interface RequestInit {
    /**
     * `false` sends this call around the breaker of `withBreaker()` (`@tripswitch/fetch`): it is
     * neither refused nor counted. It is taken out of the init before the call goes on.
     * @defaultValue the call goes through the breaker of its key
     */
    breaker?: false;
  }
}

/** What `fetch` takes as its first argument: a URL string, a `URL` or a `Request`. */
export type FetchInput = Parameters<typeof fetch>[0];

/**
 * How a call ended, as {@link FetchBreakerOptions.isFailure} sees it. A call its caller aborted
 * never gets here: it is always ignored.
 */
export interface FetchOutcome {
  /**
   * The response, when one arrived. Judged when its headers arrive: its body may not have been
   * read yet, and reading it here takes it from the caller (use `response.clone()` if you must).
   */
  response: Response | undefined;
  /**
   * What `fetch` rejected with, if it did: in Node.js a `TypeError('fetch failed')` whose `cause`
   * is the network error (`cause.code` is `'ECONNREFUSED'`, `'ECONNRESET'`, `'ENOTFOUND'` …), a
   * `TimeoutError` `DOMException` when an `AbortSignal.timeout()` deadline passed; other runtimes
   * word their errors differently.
   */
  error: unknown;
}

/**
 * Options of {@link withBreaker}: the options every Tripswitch HTTP client shares (breaker
 * options applied to each per-origin breaker, `registry`, `maxBreakers`, `maxRetryAfterMs`),
 * plus `key`, `isFailure` and `fallback`.
 */
export interface FetchBreakerOptions extends HttpClientBreakerOptions {
  /**
   * The key, and name, of the breaker a call goes through. It receives a `Request` with the
   * call's URL, method and headers (not its body, which stays the caller's). Return `undefined`
   * to send the call around the breaker.
   * @defaultValue the origin (scheme, host, port) of the call's URL, without building a `Request`
   */
  key?: ((request: Request) => string | undefined) | undefined;
  /**
   * Whether a call that was not cancelled failed, replacing the default rule: no response
   * (network error, a deadline passed) or a status of 5xx or 429 is a failure; any other status,
   * 4xx included, is a success. A 429 or 503 judged a failure still holds the circuit open for
   * its `Retry-After`. A predicate that throws counts a failure.
   * @defaultValue the rule above
   */
  isFailure?: ((outcome: FetchOutcome) => boolean) | undefined;
  /**
   * Answers a call the breaker refused — the circuit open, or half-open with every trial in
   * flight, or the `bulkhead` full — with a `Response`, instead of rejecting it with the refusal:
   * a kept response's `clone()`, a default. It receives the refusal (`CircuitOpenError` or
   * `BulkheadFullError`) and a `Request` with the call's URL, method and headers (as `key` does),
   * and returns a `Response` or a promise of one. What it throws, the call rejects with; rethrow
   * the refusal to keep it. A call that was sent never reaches it: a failure rejects (or a 5xx
   * resolves) as it would without a fallback, and a call its caller aborted while it waited for a
   * bulkhead slot rejects with the abort.
   * @defaultValue none: a refused call rejects with the refusal
   */
  fallback?: RefusalFallback<Request, Response> | undefined;
}
