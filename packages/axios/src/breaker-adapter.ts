import { InvalidOptionError, type Permit } from '@tripswitch/core';
import { isRefusal, judgeAndSettle, type RefusalFallback } from '@tripswitch/core/http';
import { acquirePermit, answerRefusal, type HttpClientBreakers } from '@tripswitch/core/internal';
import {
  type AxiosAdapter,
  type AxiosRequestConfig,
  type AxiosResponse,
  CanceledError,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios';
import { judgeAxiosCall, type SettledRequest, wasCancelled } from './judge-axios-call.ts';
import type { AxiosOutcome } from './options.ts';

/** What a request's `adapter` option may hold: a name, an adapter, or a list to choose from. */
export type AdapterChoice = AxiosRequestConfig['adapter'];

/** What every breaker adapter of one {@link attachBreaker} call shares. */
export interface BreakerAdapterContext {
  readonly breakers: HttpClientBreakers;
  /** The breaker key of a request; `undefined` sends it around the breaker. */
  keyOf(config: InternalAxiosRequestConfig): string | undefined;
  readonly isFailure: ((outcome: AxiosOutcome) => boolean) | undefined;
  /** Answers a refused request instead of the refusal. */
  readonly fallback: RefusalFallback<InternalAxiosRequestConfig, AxiosResponse> | undefined;
  /** False once detached: a config that still carries a breaker adapter goes around it. */
  attached(): boolean;
}

// axios's own default, used when a request's adapter option is empty (dispatchRequest would then
// fall back to the global defaults, which an instance cannot reach).
const defaultAdapters: AdapterChoice = ['xhr', 'http', 'fetch'];

const layer = Symbol('tripswitch.axios.layer');

interface Layer {
  readonly owner: BreakerAdapterContext;
  readonly inner: AdapterChoice;
}

type LayeredAdapter = AxiosAdapter & { [layer]?: Layer };

/**
 * Whether the adapter choice already passes through `owner`'s breaker: a config that comes back
 * through the interceptors (axios-retry re-sends `error.config`) must not be wrapped twice, or it
 * would take two permits for one request.
 */
export function passesThrough(choice: AdapterChoice, owner: BreakerAdapterContext): boolean {
  let current: unknown = choice;
  while (typeof current === 'function') {
    const found = (current as LayeredAdapter)[layer];
    if (found === undefined) return false;
    if (found.owner === owner) return true;
    current = found.inner;
  }
  return false;
}

/**
 * An axios adapter that sends the request through its breaker, by way of the adapter axios
 * would have chosen (`inner`). It runs when axios dispatches the request, after every request
 * interceptor: an interceptor that throws, before or after ours, stops the request before a
 * permit is taken, and the permit is settled when the inner adapter resolves or rejects, before
 * any response interceptor runs. So no interceptor can leak a permit.
 */
export function breakerAdapter(inner: AdapterChoice, context: BreakerAdapterContext): AxiosAdapter {
  const adapter: LayeredAdapter = async function tripswitchBreakerAdapter(config) {
    // What getAdapter returns for a function, without its work on every request.
    const send = typeof inner === 'function' ? inner : getAdapter(inner || defaultAdapters, config);
    if (config.breaker === false || !context.attached()) return send(config);
    const key = context.keyOf(config);
    if (key === undefined) return send(config);
    let permit: Permit;
    try {
      const admitted = acquirePermit(
        context.breakers.breakerFor(key),
        abortSignalOf(config.signal),
      );
      permit =
        admitted instanceof Promise ? await admit(admitted, config) : admittedNow(admitted, config);
    } catch (error) {
      const { fallback } = context;
      if (fallback === undefined || !isRefusal(error)) throw error;
      return answerRefusal(fallback, error, config, checkResponse);
    }
    let response: AxiosResponse;
    try {
      response = await send(config);
    } catch (error) {
      settle(permit, { config, rejected: true, error }, context);
      throw error;
    }
    settle(permit, { config, rejected: false, response }, context);
    return response;
  };
  adapter[layer] = { owner: context, inner };
  return adapter;
}

/**
 * Waits for the permit `acquirePermit` promised: a wait in the bulkhead's queue, a refusal, or a
 * signal that had aborted. A refusal rejects with the core's `CircuitOpenError` or
 * `BulkheadFullError` itself; a request its caller cancels while it waits rejects with axios's
 * `CanceledError`, as axios's own adapters do, and holds no permit.
 */
async function admit(
  admitted: Promise<Permit>,
  config: InternalAxiosRequestConfig,
): Promise<Permit> {
  let permit: Permit;
  try {
    permit = await admitted;
  } catch (error) {
    if (wasCancelled(config)) throw new CanceledError(undefined, config);
    throw error;
  }
  return admittedNow(permit, config);
}

/**
 * A permit granted; what cannot interrupt a wait — the deprecated cancelToken, a signal that only
 * looks like an AbortSignal — is honoured now. A signal whose `aborted` getter throws gives the
 * permit back before the throw rejects the request.
 */
function admittedNow(permit: Permit, config: InternalAxiosRequestConfig): Permit {
  let cancelled: boolean;
  try {
    cancelled = wasCancelled(config);
  } catch (error) {
    permit.ignore();
    throw error;
  }
  if (cancelled) {
    permit.ignore();
    throw new CanceledError(undefined, config);
  }
  return permit;
}

// AbortSignal's own `aborted` getter, which answers only for a real AbortSignal of this realm
// (none in a runtime without AbortSignal, where there is nothing the queue could listen to).
const abortedGetter =
  typeof AbortSignal === 'function'
    ? Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get
    : undefined;

/**
 * The request's signal when the bulkhead's queue can listen to it: a real AbortSignal. axios
 * accepts any object with `aborted` and `addEventListener` (an AbortController polyfill's, or
 * another realm's such as jsdom's), which the core refuses: such a request waits without one, and
 * its signal is read when a permit is granted, as the cancelToken is.
 */
function abortSignalOf(signal: InternalAxiosRequestConfig['signal']): AbortSignal | undefined {
  if (signal === undefined || signal === null || abortedGetter === undefined) return undefined;
  try {
    abortedGetter.call(signal);
    return signal as AbortSignal;
  } catch {
    return undefined;
  }
}

function settle(permit: Permit, request: SettledRequest, context: BreakerAdapterContext): void {
  const { breakers, isFailure } = context;
  judgeAndSettle(
    permit,
    () => {
      const verdict = judgeAxiosCall(request, {
        isFailure,
        now: breakers.judgingTime(),
        maxRetryAfterMs: breakers.maxRetryAfterMs,
      });
      const error = request.rejected
        ? request.error
        : verdict.kind === 'failure'
          ? statusError(request.response)
          : undefined;
      return { verdict, error };
    },
    request.rejected ? request.error : undefined,
  );
}

// What the fallback gives axios must be a response: dispatchRequest reads its data and headers.
function checkResponse(answer: unknown): AxiosResponse {
  if (
    typeof answer === 'object' &&
    answer !== null &&
    Number.isInteger((answer as { status?: unknown }).status)
  ) {
    return answer as AxiosResponse;
  }
  throw new InvalidOptionError(
    'fallback',
    answer,
    'a function returning an AxiosResponse: { data, status, statusText, headers, config }',
  );
}

// What a resolved response judged a failure is recorded with (the `failure` event's error).
function statusError(response: AxiosResponse): Error {
  return new Error(`HTTP ${response.status}`);
}
