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
