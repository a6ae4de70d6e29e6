import { InvalidOptionError } from '@tripswitch/core';
import { originOf } from '@tripswitch/core/http';
import type { Dispatcher } from 'undici';

/**
 * The default key: the origin of the request — its `origin` option, which `fetch`,
 * `undici.request()` and an `Agent` always set, or else the origin of the dispatcher the
 * interceptor was composed on (a `Client` or `Pool`, which undici 8 passes to interceptors).
 *
 * @throws `InvalidOptionError` naming `key` when there is neither — an interceptor composed on an
 * undici 7 `Client` or `Pool` sees no origin — rather than let the request go unguarded.
 */
export function originKey(
  options: Dispatcher.DispatchOptions,
  dispatcherOrigin: string | URL | null | undefined,
): string {
  const origin = options.origin ?? dispatcherOrigin;
  if (origin === undefined || origin === null) {
    throw new InvalidOptionError(
      'key',
      undefined,
      'a key function here: this request has no origin to key it by (undici 7 gives none to an interceptor composed on a Client or Pool; compose on an Agent, or give `key`)',
    );
  }
  return originOf(origin);
}
