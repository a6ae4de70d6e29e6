import { InvalidOptionError } from '@tripswitch/core';
import type { HttpClientBreakerOptions } from '@tripswitch/core/http';

/** What both entry points add to the options every Tripswitch HTTP client shares. */
export interface OwnOptions<TKey, TIsFailure> {
  key?: TKey | undefined;
  isFailure?: TIsFailure | undefined;
}

/** An adapter's own options, checked, and the rest for the core. */
export interface SplitOptions<TKey, TIsFailure> {
  key: TKey | undefined;
  isFailure: TIsFailure | undefined;
  shared: HttpClientBreakerOptions;
}

/**
 * Takes `key` and `isFailure` out of `options` and checks them; the core checks the rest when the
 * breakers are built. `keyReceives` names what `key` is called with, for the error message.
 */
export function splitOptions<TKey, TIsFailure>(
  options: (HttpClientBreakerOptions & OwnOptions<TKey, TIsFailure>) | undefined,
  keyReceives: string,
): SplitOptions<TKey, TIsFailure> {
  if (options === undefined) return { key: undefined, isFailure: undefined, shared: {} };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an object of breaker options');
  }
  const { key, isFailure, ...shared } = options;
  if (key !== undefined && typeof key !== 'function') {
    throw new InvalidOptionError(
      'key',
      key,
      `a function from ${keyReceives} to a string (or undefined to go around the breaker)`,
    );
  }
  if (isFailure !== undefined && typeof isFailure !== 'function') {
    throw new InvalidOptionError(
      'isFailure',
      isFailure,
      'a function from { response, error } to a boolean',
    );
  }
  return { key, isFailure, shared };
}

/** A user's `key`, with its result checked: a breaker needs a non-empty name. */
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
