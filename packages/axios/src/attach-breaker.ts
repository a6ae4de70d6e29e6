import { InvalidOptionError } from '@tripswitch/core';
import { checkedKey, httpClientBreakers, splitClientOptions } from '@tripswitch/core/internal';
import type { Axios, AxiosAdapter, AxiosStatic } from 'axios';
import {
  type AdapterChoice,
  type BreakerAdapterContext,
  breakerAdapter,
  passesThrough,
} from './breaker-adapter.ts';
import type { AxiosBreakerOptions } from './options.ts';
import { originKey } from './request-key.ts';

/**
 * Puts circuit breakers in front of an axios instance: one breaker per origin by default, so a
 * failing service is refused at once while the others are untouched. Returns the function that
 * detaches them again.
 *
 * Each request takes a permit when axios dispatches it, after every request interceptor has
 * run, and settles it when the response (or the error) arrives, before any response interceptor
 * runs: no interceptor that throws, and no cancellation, can leak a permit. Failures are network
 * errors, timeouts, and responses of 5xx or 429 (see `isFailure`); a 429 or 503 with
 * `Retry-After` holds the circuit open at least that long. Requests cancelled by their caller
 * are ignored. Each request is judged once; a retry (axios-retry, or your own) is a new request,
 * and once the circuit opens, retries are refused at once too.
 *
 * When the circuit is open — or half-open with every trial in flight, or a `bulkhead` is full —
 * the request is rejected before any byte leaves the process, with the core's
 * `CircuitOpenError` (or `BulkheadFullError`) itself, not an `AxiosError`: recognise it with
 * `isCircuitOpenError(error)`. Its `retryAfterMs` says when a trial will be let through. Or a
 * `fallback` answers it with a response of its own, such as a cached one.
 *
 * @param instance - `axios` itself, an instance from `axios.create()`, or a `new Axios()`.
 * @param options - breaker options for each breaker, and how requests are keyed and judged.
 * @returns a function that removes the breakers from the instance; requests already admitted
 * still settle their permits.
 * @throws `InvalidOptionError` for a bad option, naming it.
 *
 * @example
 * ```ts
 * import axios, { type AxiosResponse } from 'axios';
 * import { attachBreaker, isCircuitOpenError } from '@tripswitch/axios';
 *
 * const api = axios.create({ baseURL: 'https://inventory.internal', timeout: 2_000 });
 * const detach = attachBreaker(api, { failureRateThreshold: 50, openDurationMs: 10_000 });
 *
 * try {
 *   const { data } = await api.get('/stock/42');
 * } catch (error) {
 *   if (isCircuitOpenError(error)) {
 *     // refused at once: inventory is failing; error.retryAfterMs says for how long
 *   }
 * }
 * await api.get('/health', { breaker: false }); // around the breaker, not counted
 * detach();
 *
 * // Or answer refused requests with the last good response instead of the refusal:
 * const catalog = axios.create({ baseURL: 'https://catalog.internal' });
 * const cached = new Map<string, AxiosResponse>(); // filled by a response interceptor of yours
 * attachBreaker(catalog, {
 *   fallback: (refusal, config) => {
 *     const response = cached.get(config.url ?? '');
 *     if (response === undefined) throw refusal;
 *     return { ...response, config, headers: { ...response.headers, 'x-cache': 'fallback' } };
 *   },
 * });
 * ```
 */
export function attachBreaker(
  // The instance type of `axios.Axios`, not the named type `Axios`: axios's CommonJS types
  // export `Axios` as a value only, and a CommonJS consumer could not read the declaration.
  instance: InstanceType<AxiosStatic['Axios']>,
  options?: AxiosBreakerOptions,
): () => void {
  if (!isAxiosInstance(instance)) {
    throw new InvalidOptionError(
      'instance',
      instance,
      'an axios instance: axios itself or one from axios.create()',
    );
  }
  const { key, isFailure, fallback, shared } = splitClientOptions(
    options,
    'a function from the request config to a string',
  );
  let attached = true;
  const context: BreakerAdapterContext = {
    breakers: httpClientBreakers(shared),
    keyOf: key === undefined ? originKey : checkedKey(key),
    isFailure,
    fallback,
    attached: () => attached,
  };
  // The interceptor only swaps the request's adapter for one that goes through the breaker; the
  // permit is taken at dispatch (see breakerAdapter). Synchronous: it never awaits, and a chain
  // of synchronous interceptors stays synchronous.
  // The adapter made for the last adapter choice seen, reused while requests bring the same one
  // (the instance's own, as a rule): it holds nothing of a request. The same, not the identical:
  // axios copies an array of adapter names (its default, ['xhr', 'http', 'fetch']) into every
  // request's config, so an identity check would build an adapter per request.
  let lastChoice: AdapterChoice;
  let lastAdapter: AxiosAdapter | undefined;
  const id = instance.interceptors.request.use(
    (config) => {
      const choice = config.adapter;
      if (config.breaker !== false && !passesThrough(choice, context)) {
        if (lastAdapter === undefined || !sameChoice(choice, lastChoice)) {
          lastChoice = choice;
          lastAdapter = breakerAdapter(choice, context);
        }
        config.adapter = lastAdapter;
      }
      return config;
    },
    null,
    { synchronous: true },
  );
  return () => {
    if (!attached) return;
    attached = false;
    instance.interceptors.request.eject(id);
  };
}

/** Whether two adapter choices name the same adapters: the same value, or arrays of the same. */
function sameChoice(a: AdapterChoice, b: AdapterChoice): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isAxiosInstance(value: unknown): value is Axios {
  const candidate = value as Partial<Axios> | null | undefined;
  return (
    (typeof value === 'function' || (typeof value === 'object' && value !== null)) &&
    typeof candidate?.request === 'function' &&
    typeof candidate.interceptors?.request?.use === 'function'
  );
}
