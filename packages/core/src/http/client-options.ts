import { InvalidOptionError } from '../errors.ts';
import type { HttpClientBreakerOptions } from './client-breakers.ts';

/** What a client adapter adds to the options every Tripswitch HTTP client shares. */
export interface ClientOwnOptions<TKey, TIsFailure, TFallback = never> {
  /** Which breaker a request goes through: the client's own key function. */
  key?: TKey | undefined;
  /** Whether a request failed, judged from its response or error: the client's own judge. */
  isFailure?: TIsFailure | undefined;
  /** What answers a refused request, in the client's own kind of response. */
  fallback?: TFallback | undefined;
}

/** A client adapter's own options, checked, and the rest for {@link httpClientBreakers}. */
export interface SplitClientOptions<TKey, TIsFailure, TFallback = never> {
  /** The `key` option, checked to be a function. */
  key: TKey | undefined;
  /** The `isFailure` option, checked to be a function. */
  isFailure: TIsFailure | undefined;
  /** The `fallback` option, checked to be a function. */
  fallback: TFallback | undefined;
  /** Every other option, for {@link httpClientBreakers}, which checks them. */
  shared: HttpClientBreakerOptions;
}

/**
 * Takes `key`, `isFailure` and `fallback` out of a client adapter's options and checks that they
 * are functions; `httpClientBreakers` checks the rest. `keyExpected` says, for the error message,
 * what `key` should be (it is called with something different by each client).
 */
export function splitClientOptions<TKey, TIsFailure, TFallback = never>(
  options: (HttpClientBreakerOptions & ClientOwnOptions<TKey, TIsFailure, TFallback>) | undefined,
  keyExpected: string,
): SplitClientOptions<TKey, TIsFailure, TFallback> {
  if (options === undefined) {
    return { key: undefined, isFailure: undefined, fallback: undefined, shared: {} };
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an object of breaker options');
  }
  const { key, isFailure, fallback, ...shared } = options;
  if (key !== undefined && typeof key !== 'function') {
    throw new InvalidOptionError('key', key, keyExpected);
  }
  if (isFailure !== undefined && typeof isFailure !== 'function') {
    throw new InvalidOptionError(
      'isFailure',
      isFailure,
      'a function from { response, error } to a boolean',
    );
  }
  if (fallback !== undefined && typeof fallback !== 'function') {
    throw new InvalidOptionError(
      'fallback',
      fallback,
      "a function (error, request) answering a refused request with the client's response",
    );
  }
  return { key, isFailure, fallback, shared };
}

/**
 * A user's `key`, with its result checked: a breaker needs a non-empty name, and `undefined` sends
 * the request around the breaker.
 */
export function checkedKey<T>(
  key: (input: T) => string | undefined,
): (input: T) => string | undefined {
  return (input) => {
    const value = key(input);
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw new InvalidOptionError(
        'key',
        value,
        'a function returning a non-empty string (or undefined to go around the breaker)',
      );
    }
    return value;
  };
}
