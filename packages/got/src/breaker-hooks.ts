import type { BulkheadFullError, CircuitOpenError, Permit } from '@tripswitch/core';
import { abortedByDeadline, isRefusal, judgeAndSettle } from '@tripswitch/core/http';
import {
  acquirePermit,
  answerRefusal,
  checkedKey,
  httpClientBreakers,
  splitClientOptions,
} from '@tripswitch/core/internal';
import type {
  AfterResponseHook,
  BeforeErrorHook,
  BeforeRedirectHook,
  BeforeRequestHook,
  BeforeRetryHook,
  HandlerFunction,
  NormalizedOptions,
  PlainResponse,
  Request,
  RequestError,
} from 'got';
import { Attempts } from './attempts.ts';
import { type ResponseLike, responseLike } from './fallback-response.ts';
import { type AttemptEnd, judgeGotCall } from './judge-got-call.ts';
import type { GotBreakerOptions } from './options.ts';
import { unwrapRefusal } from './refusal.ts';
import { originKey } from './request-key.ts';

/** What {@link breakerHooks} returns: options for `got.extend()`. */
export interface BreakerHooks {
  /** The hooks that take a permit for each attempt and settle it. */
  hooks: {
    /** Takes a permit for the attempt, or refuses it (or answers it with the fallback). */
    beforeRequest: BeforeRequestHook[];
    /** Settles the attempt a redirect ends: each hop is judged on its own. */
    beforeRedirect: BeforeRedirectHook[];
    /** Settles the attempt by its response. */
    afterResponse: AfterResponseHook[];
    /** Settles the failed attempt got is about to retry. */
    beforeRetry: BeforeRetryHook[];
    /** Settles the last attempt's error, and hands the caller a refusal as it is. */
    beforeError: BeforeErrorHook[];
  };
  /**
   * Watches streams from `client.stream()`: got runs no hook when a stream's response arrives
   * or when its caller destroys it.
   */
  handlers: HandlerFunction[];
}

/**
 * Circuit breakers for got: options for `got.extend()` that put every attempt — each of got's
 * own retries and each redirect included — through a breaker, one per origin by default.
 *
 * An attempt takes a permit in a `beforeRequest` hook and settles it when its outcome is known:
 * the response in `afterResponse` (or `beforeRedirect`, or a stream's `response` event), the
 * error in `beforeRetry` or `beforeError`, the caller's abort from its `signal`, a stream
 * destroyed by its caller from the stream. Failures are network errors, timeouts, bodies cut
 * short, and responses of 5xx or 429 (see `isFailure`); a 429 or 503 with `Retry-After` holds
 * the circuit open at least that long. Cancelled attempts, and attempts a hook stopped before
 * they were sent, are ignored. Once the circuit opens, got's remaining retries are refused at
 * once, with no network I/O.
 *
 * When the circuit is open — or half-open with every trial in flight, or a `bulkhead` is full —
 * the request fails before any byte leaves the process, with the core's `CircuitOpenError` (or
 * `BulkheadFullError`) itself, not a got `RequestError`, from the promise and from the stream
 * alike: recognise it with `isCircuitOpenError(error)`. Or a `fallback` answers the attempt with
 * a response of its own, which got reads as the server's. `context: { breaker: false }` sends a
 * request around the breaker.
 *
 * @param options - breaker options for each breaker, and how attempts are keyed and judged.
 * @returns options for `got.extend()`: hooks, and a handler that watches streams.
 * @throws `InvalidOptionError` for a bad option, naming it.
 *
 * @example
 * ```ts
 * import got from 'got';
 * import { breakerHooks, isCircuitOpenError } from '@tripswitch/got';
 *
 * const inventory = got.extend(
 *   { prefixUrl: 'https://inventory.internal', timeout: { request: 2_000 } },
 *   breakerHooks({ failureRateThreshold: 50, openDurationMs: 10_000 }),
 * );
 *
 * try {
 *   const stock = await inventory.get('stock/42').json();
 * } catch (error) {
 *   if (isCircuitOpenError(error)) {
 *     // refused at once: inventory is failing; error.retryAfterMs says for how long
 *   }
 * }
 * await inventory.get('health', { context: { breaker: false } }); // around the breaker
 * ```
 */
export function breakerHooks(options?: GotBreakerOptions): BreakerHooks {
  const { key, isFailure, fallback, shared } = splitClientOptions(
    options,
    "a function from got's options to a string",
  );
  const breakers = httpClientBreakers(shared);
  const keyOf = key === undefined ? originKey : checkedKey(key);
  const attempts = new Attempts();
  // What the fallback threw: got wraps it in a RequestError, and beforeError hands it over.
  const thrownByFallback = new WeakSet<object>();

  // The fallback's answer to a refused attempt, for beforeRequest to return in its place.
  const answer = async (
    answering: NonNullable<typeof fallback>,
    refusal: CircuitOpenError | BulkheadFullError,
    attempt: NormalizedOptions,
  ): Promise<ResponseLike> => {
    try {
      return await answerRefusal(answering, refusal, attempt, (given) =>
        responseLike(given, attempt.method),
      );
    } catch (error) {
      if (typeof error === 'object' && error !== null) thrownByFallback.add(error);
      throw error;
    }
  };

  // Runs in hooks and in the signal's abort listener: judgeAndSettle never throws.
  const settle = (permit: Permit | undefined, end: AttemptEnd): void => {
    if (permit === undefined) return;
    judgeAndSettle(
      permit,
      () =>
        judgeGotCall(end, {
          isFailure,
          now: breakers.judgingTime(),
          maxRetryAfterMs: breakers.maxRetryAfterMs,
        }),
      end.kind === 'error' ? end.error : end.kind === 'timed-out' ? end.reason : undefined,
    );
  };
  const settleResponse = (response: PlainResponse): void => {
    const permit = attempts.take(response.request.options);
    // Answered by got's `cache`, the origin was never asked: its health is unknown, and a
    // half-open trial closing the circuit on a kept response would end the wait for nothing.
    if (response.isFromCache) permit?.ignore();
    else settle(permit, { kind: 'response', response });
  };
  const settleOnResponse: AfterResponseHook = (response) => {
    settleResponse(response);
    return response;
  };
  const settleError = (error: Error): void => {
    const permit = attempts.take((error as { options?: unknown }).options);
    settle(permit, { kind: 'error', error: error as RequestError });
  };
  // beforeError hooks run in order, and one that throws or returns a new error hides the
  // original from those after it; this one goes first, so no hook added before ours can.
  const settleFirst: BeforeErrorHook = (error) => {
    settleError(error);
    return error;
  };

  // The error hook breakerHooks() returns: settles (unless settleFirst did) and hands the caller
  // a refusal, or what the fallback threw, as it is rather than wrapped in a RequestError.
  const settleAndUnwrap: BeforeErrorHook = (error) => {
    settleError(error);
    const { cause } = error;
    if (cause instanceof Error && thrownByFallback.has(cause)) return cause;
    return unwrapRefusal(error);
  };

  // Records an admitted attempt's permit, to settle when the attempt ends.
  const hold = (options: NormalizedOptions, permit: Permit, retryCount: number): undefined => {
    const { signal } = options;
    // A stream retry (got's `retry` event) is a stream no handler saw, whose success no hook
    // reports: it is refused while the circuit is, but not recorded.
    if (signal?.aborted || (options.isStream && retryCount > 0)) {
      permit.ignore();
      return;
    }
    const onAbort =
      signal === undefined ? undefined : () => settle(attempts.take(options), abortEnd(signal));
    if (!attempts.add(options, permit, signal, onAbort)) {
      permit.ignore();
      return;
    }
    // Ours first already (as a rule: breakerHooks() is extended first), or made first once.
    const hooks = options.hooks.beforeError;
    if (hooks[0] !== settleAndUnwrap && hooks[0] !== settleFirst && !hooks.includes(settleFirst)) {
      hooks.unshift(settleFirst);
    }
    // An afterResponse hook that calls retryWithMergedOptions() (a token refresh) makes got drop
    // the afterResponse hooks of the attempt it starts (got 16: all; got 15: those from it on):
    // without ours back, that attempt's response would settle nothing, and its permit leak.
    const responseHooks = options.hooks.afterResponse;
    if (!responseHooks.includes(settleOnResponse)) responseHooks.push(settleOnResponse);
  };

  // A permit not granted: the refusal goes to the caller, or the fallback's answer is returned
  // instead of sending the request, which got reads as the server's response (got's types name
  // its own classes for that; it reads a readable with a status and headers).
  const refuse = (error: unknown, options: NormalizedOptions): Promise<never> => {
    if (fallback === undefined || !isRefusal(error)) throw error;
    return answer(fallback, error, options) as Promise<never>;
  };

  // Synchronous when the permit is granted at once, as it is unless a bulkhead's queue could
  // make the attempt wait: got awaits what a hook returns, a promise or not, and what a hook
  // throws reaches got as a rejection would.
  const beforeRequest: BeforeRequestHook = (options, { retryCount }) => {
    // A client extended with these hooks twice runs them twice on one attempt: one permit.
    if (options.context.breaker === false || attempts.has(options)) return;
    const name = keyOf(options);
    if (name === undefined) return;
    const admitted = acquirePermit(breakers.breakerFor(name), options.signal);
    if (!(admitted instanceof Promise)) return hold(options, admitted, retryCount);
    return admitted.then(
      (permit) => hold(options, permit, retryCount),
      (error: unknown) => refuse(error, options),
    );
  };

  const watchStreams: HandlerFunction = (options, next) => {
    const result = next(options);
    if (options?.isStream === true && typeof (result as { once?: unknown }).once === 'function') {
      const stream = result as unknown as Request;
      stream.once('response', settleResponse);
      stream.once('close', () => settle(attempts.end(stream.options), { kind: 'cancelled' }));
    }
    return result;
  };

  return {
    hooks: {
      beforeRequest: [beforeRequest],
      beforeRedirect: [(_next, response) => settleResponse(response)],
      afterResponse: [settleOnResponse],
      beforeRetry: [settleError],
      beforeError: [settleAndUnwrap],
    },
    handlers: [watchStreams],
  };
}

// A deadline (AbortSignal.timeout()) is a timeout, not a cancellation: got even turns it into its
// own TimeoutError. The rule is the core's, shared with the other clients.
function abortEnd(signal: AbortSignal | undefined): AttemptEnd {
  return abortedByDeadline(signal)
    ? { kind: 'timed-out', reason: signal?.reason }
    : { kind: 'cancelled' };
}
