import { InvalidOptionError } from '@tripswitch/core';
import { originOf } from '@tripswitch/core/http';
import type { NormalizedOptions } from 'got';

/**
 * The default key: the origin of the URL the attempt goes to. By the time `beforeRequest` hooks
 * run, got has resolved `url` against `prefixUrl` into a `URL`; without one (which got rejects
 * before any hook runs) the attempt goes around the breaker.
 */
export function originKey(options: NormalizedOptions): string | undefined {
  const { url } = options;
  return url === undefined ? undefined : originOf(url);
}

/** A user's `key`, with its result checked: a breaker needs a non-empty name. */
export function checkedKey(
  key: (options: NormalizedOptions) => string | undefined,
): (options: NormalizedOptions) => string | undefined {
  return (options) => {
    const value = key(options);
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
