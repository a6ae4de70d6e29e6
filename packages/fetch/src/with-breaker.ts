import { InvalidOptionError, type Permit } from '@tripswitch/core';
import { isRefusal, judgeAndSettle } from '@tripswitch/core/http';
import {
  acquirePermit,
  answerRefusal,
  checkedKey,
  httpClientBreakers,
  splitClientOptions,
} from '@tripswitch/core/internal';
import { signalOf, withoutBreakerFlag } from './call-init.ts';
import type { FetchBreakerOptions, FetchInput } from './fetch-options.ts';
import { inheritExtras } from './inherit-extras.ts';
import { type FetchCallEnd, judgeFetchCall } from './judge-fetch-call.ts';
import { keyRequest, originKey } from './request-key.ts';

/**
 * Puts circuit breakers in front of a `fetch` function: one breaker per origin by default, so a
 * failing service is refused at once while the others are untouched. Returns a function with
 * `fetch`'s own type, to use wherever `fetch` was. Web-standard APIs only: it runs unchanged in
 * Node.js, Bun, Deno, browsers and edge runtimes.
 *
 * Each call takes a permit before it is sent and settles it when `fetch` settles — when the
 * response's headers arrive, so a body read slowly, or never, holds no permit. Failures are
 * network errors, a deadline that passed (`AbortSignal.timeout()`), and responses of 5xx or 429
 * (see `isFailure`); a 429 or 503 with `Retry-After` holds the circuit open at least that long.
 * A call its caller aborts is ignored, and so is one `fetch` refuses to send (a forbidden
 * method, a header value with a line break). Redirects are followed by `fetch` and judged as one
 * call, by the final response, on the breaker of the URL first asked for.
 *
 * When the circuit is open — or half-open with every trial in flight, or a `bulkhead` is full —
 * the call rejects before any byte leaves the process, with the core's `CircuitOpenError` (or
 * `BulkheadFullError`) itself: recognise it with `isCircuitOpenError(error)`. Its
 * `retryAfterMs` says when a trial will be let through. Or a `fallback` answers it with a
 * `Response` of its own, such as a cached one. `{ breaker: false }` in a call's init sends it
 * around the breaker.
 *
 * @param fetch - the `fetch` to call: `globalThis.fetch`, or any function of the same type.
 * @param options - breaker options for each breaker, and how calls are keyed and judged.
 * @returns a function with `fetch`'s type that calls `fetch` through the breakers.
 * @throws `InvalidOptionError` for a bad option, naming it.
 *
 * @example
 * ```ts
 * import { isCircuitOpenError, withBreaker } from '@tripswitch/fetch';
 *
 * const fetch = withBreaker(globalThis.fetch, { failureRateThreshold: 50, openDurationMs: 10_000 });
 *
 * try {
 *   const response = await fetch('https://inventory.internal/stock/42', { signal: AbortSignal.timeout(2_000) });
 *   const stock = await response.json();
 * } catch (error) {
 *   if (isCircuitOpenError(error)) {
 *     // refused at once: inventory is failing; error.retryAfterMs says for how long
 *   }
 * }
 * await fetch('https://inventory.internal/health', { breaker: false }); // around the breaker
 *
 * // Or answer refused calls with a copy of the last good response:
 * const lastGood = new Map<string, Response>();
 * const cachedFetch = withBreaker(globalThis.fetch, {
 *   fallback: (refusal, request) => lastGood.get(request.url)?.clone() ?? Promise.reject(refusal),
 * });
 * ```
 */
export function withBreaker(
  fetch: typeof globalThis.fetch,
  options?: FetchBreakerOptions,
): typeof globalThis.fetch {
  if (typeof fetch !== 'function') {
    throw new InvalidOptionError('fetch', fetch, 'a fetch function, such as globalThis.fetch');
  }
  const { key, isFailure, fallback, shared } = splitClientOptions(
    options,
    'a function from a Request to a string (or undefined to go around the breaker)',
  );
  const breakers = httpClientBreakers(shared);
  const userKey = key && checkedKey(key);
  const keyOf =
    userKey === undefined
      ? originKey
      : (input: FetchInput, init: RequestInit | undefined) => userKey(keyRequest(input, init));

  const settle = (permit: Permit, end: FetchCallEnd): void => {
    judgeAndSettle(
      permit,
      () =>
        judgeFetchCall(end, {
          isFailure,
          now: breakers.judgingTime(),
          maxRetryAfterMs: breakers.maxRetryAfterMs,
        }),
      'error' in end ? end.error : undefined,
    );
  };

  // Settles the permit when fetch settles: when the response's headers are in, or it rejects.
  const send = (
    permit: Permit,
    input: FetchInput,
    init: RequestInit | undefined,
    signal: AbortSignal | null | undefined,
  ): Promise<Response> => {
    let pending: Promise<Response>;
    try {
      pending = fetch(input, init);
    } catch (error) {
      settle(permit, { error, signal, input, init });
      return Promise.reject(error);
    }
    // A fetch of the user's that returns no promise (a Response, a thenable, nothing) would
    // otherwise throw at .then() with the permit held: what it returned is judged as it resolves.
    if (!(pending instanceof Promise)) pending = Promise.resolve(pending);
    return pending.then(
      (response) => {
        settle(permit, { response });
        return response;
      },
      (error: unknown) => {
        settle(permit, { error, signal, input, init });
        throw error;
      },
    );
  };

  // Not an async function: the promise chain is the cost of the wrapper on every call, kept short.
  const fetchWithBreaker = (input: FetchInput, init?: RequestInit): Promise<Response> => {
    try {
      if (init?.breaker !== undefined) {
        const bypass = init.breaker === false;
        init = withoutBreakerFlag(init);
        if (bypass) return fetch(input, init);
      }
      const signal = signalOf(input, init);
      // Already aborted: fetch rejects it without sending anything, and there is nothing to count.
      if (signal?.aborted) return fetch(input, init);
      const name = keyOf(input, init);
      if (name === undefined) return fetch(input, init);
      const admitted = acquirePermit(breakers.breakerFor(name), signal ?? undefined);
      // Admitted at once (no bulkhead to wait in): sent in this turn, as fetch itself would.
      if (!(admitted instanceof Promise)) return send(admitted, input, init, signal);
      if (fallback === undefined)
        return admitted.then((permit) => send(permit, input, init, signal));
      return admitted.then(
        (permit) => send(permit, input, init, signal),
        (error: unknown) =>
          isRefusal(error)
            ? answerRefusal(fallback, error, keyRequest(input, init), (answer) => {
                // Aborted while the fallback worked: the caller asked for the abort, as fetch gives it.
                if (signal?.aborted) throw signal.reason;
                return checkResponse(answer);
              })
            : Promise.reject(error),
      );
    } catch (error) {
      // A key that throws: fetch's callers expect a rejection, never a throw.
      return Promise.reject(error);
    }
  };
  return inheritExtras(fetchWithBreaker, fetch);
}

// What the fallback gives the caller must be a Response: it is what fetch's callers read.
function checkResponse(answer: unknown): Response {
  if (
    typeof answer === 'object' &&
    answer !== null &&
    Number.isInteger((answer as { status?: unknown }).status) &&
    typeof (answer as { headers?: { get?: unknown } }).headers?.get === 'function'
  ) {
    return answer as Response;
  }
  throw new InvalidOptionError(
    'fallback',
    answer,
    'a function returning a Response: new Response(body, { status, headers }), or a kept one’s clone()',
  );
}
