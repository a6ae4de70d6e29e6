import type { CircuitBreaker } from '../circuit-breaker.ts';
import { InvalidOptionError } from '../errors.ts';
import { checkBreakerOptions } from '../options.ts';
import { BreakerRegistry, isBreakerRegistry, type RegistryBreakerOptions } from '../registry.ts';
import { cachedOrigin } from './origin-cache.ts';

/**
 * The key of the breaker for a URL by default: its origin — scheme, host and port, with the
 * scheme's default port left out — so every path of one service shares a breaker. An http(s)
 * URL's origin is read once per origin and remembered (a bounded memory), not parsed again for
 * every request.
 *
 * @example
 * ```ts
 * originOf('https://api.example.com:443/v1/users?id=1'); // 'https://api.example.com'
 * ```
 */
export function originOf(url: string | URL): string {
  const text = typeof url === 'string' ? url : url.href;
  const known = cachedOrigin(text);
  if (known !== undefined) return known;
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
}

/** Options of {@link keyedBreakers}. */
export interface KeyedBreakersOptions {
  /** A registry to take the breakers from, shared with other adapters or a health endpoint. */
  registry?: BreakerRegistry | undefined;
  /** The most breakers the adapter's own registry holds (when no `registry` is given). */
  maxBreakers?: number | undefined;
  /** Options of each breaker, applied when it is first created. */
  breaker: RegistryBreakerOptions;
}

/**
 * A function from key to breaker, for an adapter that keeps one breaker per origin (or per key).
 * Without a `registry`, it keeps its own, bounded by `maxBreakers`. The breaker options are
 * checked at once, so a typo fails when the adapter is set up, not on the first request.
 */
export function keyedBreakers(options: KeyedBreakersOptions): (key: string) => CircuitBreaker {
  const { registry, maxBreakers } = options;
  // Read once, into a copy that is checked and used: a getter or a proxy may answer differently
  // when the breaker of a new key is built from the options.
  const given: unknown = options.breaker;
  const breaker = (
    typeof given === 'object' && given !== null ? { ...given } : given
  ) as RegistryBreakerOptions;
  // Checked here so an error names the option as the user wrote it, not as registry defaults.
  checkBreakerOptions(breaker);
  if (registry === undefined) {
    const own = new BreakerRegistry(
      maxBreakers === undefined ? { defaults: breaker } : { defaults: breaker, maxBreakers },
    );
    return (key) => own.get(key);
  }
  if (!isBreakerRegistry(registry))
    throw new InvalidOptionError('registry', registry, 'a BreakerRegistry');
  if (maxBreakers !== undefined) {
    throw new InvalidOptionError(
      'maxBreakers',
      maxBreakers,
      'nothing when a registry is given: the registry has its own bound',
    );
  }
  return (key) => registry.get(key, breaker);
}
