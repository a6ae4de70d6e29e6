import type { HttpClientBreakerOptions, RefusalFallback } from '@tripswitch/core/http';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * `false` sends this request around the breaker: it is neither refused nor counted.
     * @defaultValue the request goes through the breaker of its key
     */
    breaker?: false;
  }
  interface InternalAxiosRequestConfig {
    /** `false` sends this request around the breaker: it is neither refused nor counted. */
    breaker?: false;
  }
}

/**
 * How a request ended, as {@link AxiosBreakerOptions.isFailure} sees it. A request that was
 * cancelled, or that its caller's side ended unsent (axios or Node refused what it asked for, or
 * its body stream failed), never gets here: it is always ignored.
 */
export interface AxiosOutcome {
  /**
   * The response, when one arrived — also one axios rejected because `validateStatus` refused
   * its status (then it is `error.response` too).
   */
  response: AxiosResponse | undefined;
  /**
   * What the request was rejected with, if it was: an `AxiosError` from axios's own adapters
   * (check with `axios.isAxiosError(error)`; `error.code` is `'ECONNABORTED'` or `'ETIMEDOUT'`
   * for a timeout, `'ECONNREFUSED'`, `'ENOTFOUND'`, `'ECONNRESET'` … for a network error), or
   * whatever a custom adapter threw.
   */
  error: unknown;
}

/**
 * Options of {@link attachBreaker}: the options every Tripswitch HTTP client shares (breaker
 * options applied to each per-origin breaker, `registry`, `maxBreakers`, `maxRetryAfterMs`),
 * plus `key`, `isFailure` and `fallback`.
 */
export interface AxiosBreakerOptions extends HttpClientBreakerOptions {
  /**
   * The key, and name, of the breaker a request goes through. It receives the request's config
   * as the adapter does, after every request interceptor has run. `undefined` sends the request
   * around the breaker, as `breaker: false` does: neither refused nor counted.
   * @defaultValue the origin (scheme, host, port) of the request's full URL, `baseURL` included
   */
  key?: ((config: InternalAxiosRequestConfig) => string | undefined) | undefined;
  /**
   * Whether a request that was not cancelled, nor ended unsent by its caller's side (see
   * {@link AxiosOutcome}), failed, replacing the default rule: no response
   * (network error, timeout) or a status of 5xx or 429 is a failure; any other status, 4xx
   * included, is a success. A 429 or 503 judged a failure still holds the circuit open for its
   * `Retry-After`. Judged by the status whatever `validateStatus` says; a predicate that throws
   * counts a failure.
   * @defaultValue the rule above
   */
  isFailure?: ((outcome: AxiosOutcome) => boolean) | undefined;
  /**
   * Answers a request the breaker refused — the circuit open, or half-open with every trial in
   * flight, or the `bulkhead` full — with a response, instead of rejecting it with the refusal:
   * a cached response, a default. It receives the refusal (`CircuitOpenError` or
   * `BulkheadFullError`) and the request's config, and returns an `AxiosResponse` (or a promise
   * of one), which axios hands on as its adapter's response: `transformResponse` and response
   * interceptors run, `validateStatus` is not asked. What it throws, the request rejects with;
   * rethrow the refusal to keep it. A request that was sent never reaches it: a failure rejects
   * as it would without a fallback (axios-retry and the like still retry it, and a retry the
   * breaker refuses gets the fallback), and a request cancelled while it waited for a bulkhead
   * slot rejects with axios's `CanceledError`.
   * @defaultValue none: a refused request rejects with the refusal
   */
  fallback?: RefusalFallback<InternalAxiosRequestConfig, AxiosResponse> | undefined;
}
