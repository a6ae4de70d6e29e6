import type { BulkheadFullError, CircuitBreaker, CircuitOpenError, Permit } from '@tripswitch/core';
import { isRefusal, judgeAndSettle } from '@tripswitch/core/http';
import {
  acquirePermit,
  answerRefusal,
  checkedKey,
  httpClientBreakers,
  resolveFallbackResponse,
  splitClientOptions,
} from '@tripswitch/core/internal';
import type { Dispatcher } from 'undici';
import { BreakerHandler, type Settlement } from './breaker-handler.ts';
import { deliverResponse } from './deliver-response.ts';
import { originKey } from './dispatch-key.ts';
import { type DispatchEnd, judgeDispatch } from './judge-dispatch.ts';
import type { UndiciBreakerOptions } from './options.ts';

/**
 * Circuit breakers for undici: an interceptor for `Dispatcher.compose()` that puts every request
 * the dispatcher sends through a breaker, one per origin by default — requests from `fetch`
 * (undici's, or Node.js's own given the dispatcher — an undici 8 one
 * wrapped in undici's `Dispatcher1Wrapper`), `undici.request()`, `stream()` and the rest.
 * undici 7 and 8.
 *
 * Each request takes a permit when it reaches the interceptor and settles it when its response's
 * headers arrive, so a body read slowly, or never, holds no permit. Failures are network errors,
 * undici's own timeouts, a deadline that passed (`AbortSignal.timeout()`), and responses of 5xx
 * or 429 (see `isFailure`); a 429 or 503 with `Retry-After` holds the circuit open at least that
 * long. A request its caller aborts is ignored, and so is one undici refuses to send (its
 * `InvalidArgumentError`). `fetch` follows redirects by sending a new request for each hop, so
 * each hop is judged on its own, on the breaker of the origin it goes to.
 *
 * When the circuit is open — or half-open with every trial in flight, or a `bulkhead` is full —
 * the request fails before any byte leaves the process with the core's `CircuitOpenError` (or
 * `BulkheadFullError`): `undici.request()` rejects with it; `fetch` rejects, as it does for every
 * error below it, with `TypeError('fetch failed')` whose `cause` is it. Or a `fallback` answers
 * it with a response described as `{ statusCode, headers, body }`, delivered to the caller as a
 * server's: `undici.request()` resolves with it, `fetch` with a `Response`. A `key` that returns
 * `undefined` sends a request around the breaker.
 *
 * Composed with other interceptors, the last one given is the first a request meets: put this
 * one before `interceptors.retry()` (`compose(breakerInterceptor(), interceptors.retry())`) so
 * every retry goes through the breaker and retries stop once the circuit opens.
 *
 * @param options - breaker options for each breaker, and how requests are keyed and judged.
 * @returns the interceptor, for `dispatcher.compose()`.
 * @throws `InvalidOptionError` for a bad option, naming it.
 *
 * @example
 * ```ts
 * import { Agent, fetch, request } from 'undici';
 * import { breakerInterceptor, isCircuitOpenError } from '@tripswitch/fetch/undici';
 *
 * const dispatcher = new Agent().compose(breakerInterceptor({ failureRateThreshold: 50 }));
 *
 * try {
 *   const { statusCode, body } = await request('https://inventory.internal/stock/42', { dispatcher });
 *   const response = await fetch('https://inventory.internal/stock/43', { dispatcher });
 * } catch (error) {
 *   // undici.request() rejects with the refusal itself; fetch puts it in `cause`.
 *   if (isCircuitOpenError(error) || isCircuitOpenError((error as Error).cause)) {
 *     // refused at once: inventory is failing
 *   }
 * }
 * ```
 */
export function breakerInterceptor(
  options?: UndiciBreakerOptions,
): Dispatcher.DispatcherComposeInterceptor {
  const { key, isFailure, fallback, shared } = splitClientOptions(
    options,
    'a function from the dispatch options to a string (or undefined to go around the breaker)',
  );
  const breakers = httpClientBreakers(shared);
  const userKey = key && checkedKey(key);

  const settle = (permit: Permit, end: DispatchEnd): void => {
    judgeAndSettle(
      permit,
      () =>
        judgeDispatch(end, {
          isFailure,
          now: breakers.judgingTime(),
          maxRetryAfterMs: breakers.maxRetryAfterMs,
        }),
      'error' in end ? end.error : undefined,
    );
  };

  const send = (
    dispatch: Dispatcher.Dispatch,
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    permit: Permit,
  ): boolean => {
    const guarded = new BreakerHandler(handler, new PermitSettlement(permit, settle));
    try {
      return dispatch(options, guarded);
    } catch (error) {
      guarded.failBeforeStart(asError(error));
      return true;
    }
  };

  // A refusal goes to the caller as an error before the request starts, or as the fallback's
  // response; so does a fallback that throws or answers with no response, as its error.
  const refuse = (
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    refusal: CircuitOpenError | BulkheadFullError,
  ): void => {
    if (fallback === undefined) {
      fail(handler, refusal);
      return;
    }
    answerRefusal(fallback, refusal, options, resolveFallbackResponse).then(
      (response) => deliverResponse(handler, options.method, response),
      (error: unknown) => fail(handler, asError(error)),
    );
  };

  // undici 8 passes the origin of the dispatcher composed on; undici 7 passes nothing. A key that
  // fails (it throws, or no origin is known) fails the request before it is sent.
  return (dispatch: Dispatcher.Dispatch, dispatcherOrigin?: string | URL | null) =>
    function tripswitchBreaker(options, handler) {
      const signal = listenable((options as { signal?: unknown }).signal);
      // Already aborted (undici.request()'s signal): undici fails it unsent; nothing to count.
      if (signal?.aborted) return dispatch(options, handler);
      let breaker: CircuitBreaker | undefined;
      try {
        const name =
          userKey === undefined ? originKey(options, dispatcherOrigin) : userKey(options);
        breaker = name === undefined ? undefined : breakers.breakerFor(name);
      } catch (error) {
        fail(handler, asError(error));
        return true;
      }
      if (breaker === undefined) return dispatch(options, handler);
      const admitted = acquirePermit(breaker, signal);
      // Admitted at once (no bulkhead to wait in): sent in this turn, as without the breaker.
      if (!(admitted instanceof Promise)) return send(dispatch, options, handler, admitted);
      // A wait in the bulkhead's queue, or a refusal: the request is sent once a permit is
      // granted; the caller hears of a refusal as it hears of any error before the request starts.
      admitted.then(
        (permit) => send(dispatch, options, handler, permit),
        (error: unknown) =>
          isRefusal(error) ? refuse(options, handler, error) : fail(handler, asError(error)),
      );
      return true;
    };
}

/** A request's permit and how to judge it: one object per request, its methods shared. */
class PermitSettlement implements Settlement {
  readonly #permit: Permit;
  readonly #settle: (permit: Permit, end: DispatchEnd) => void;

  constructor(permit: Permit, settle: (permit: Permit, end: DispatchEnd) => void) {
    this.#permit = permit;
    this.#settle = settle;
  }

  judge(end: DispatchEnd): void {
    this.#settle(this.#permit, end);
  }

  ignore(): void {
    this.#permit.ignore();
  }
}

// How undici's own interceptors fail a request before it starts: an error with no controller.
function fail(handler: Dispatcher.DispatchHandler, error: Error): void {
  handler.onResponseError?.(null as unknown as Dispatcher.DispatchController, error);
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}

// undici.request() takes an AbortSignal or an EventEmitter; the bulkhead's queue needs the first.
function listenable(signal: unknown): AbortSignal | undefined {
  return typeof (signal as AbortSignal | undefined)?.addEventListener === 'function'
    ? (signal as AbortSignal)
    : undefined;
}
