import type { CircuitBreaker } from '../circuit-breaker.ts';
import { InvalidOptionError } from '../errors.ts';
import type { BreakerRegistry, RegistryBreakerOptions } from '../registry.ts';
import { keyedBreakers } from './keys.ts';
import { defaultMaxRetryAfterMs } from './outcome.ts';

/**
 * Breaker options an HTTP client adapter applies to each per-origin breaker. `isFailure`,
 * `isResultFailure` and `timeoutMs` are not among them: what fails is judged from the response
 * (see the adapter's own `isFailure`), and the client times its requests itself.
 */
export type PerOriginBreakerOptions = Omit<
  RegistryBreakerOptions,
  'isFailure' | 'isResultFailure' | 'timeoutMs'
>;

/** The options every HTTP client adapter (axios, got, fetch) shares. */
export interface HttpClientBreakerOptions extends PerOriginBreakerOptions {
  /**
   * A registry to keep the breakers in, to share them with other clients or show them on a
   * health endpoint. Breaker options apply to breakers this adapter creates in it.
   * @defaultValue a registry of the adapter's own
   */
  registry?: BreakerRegistry;
  /**
   * The most breakers the adapter's own registry holds (see `BreakerRegistry`'s `maxBreakers`):
   * healthy idle ones go first, and one that is open, half-open or forced open never does. When
   * every breaker is one of those, a request to a new origin is sent without a breaker.
   * @defaultValue 1000
   */
  maxBreakers?: number;
  /**
   * The longest `Retry-After` honoured, in milliseconds; a longer one is cut to it, so a
   * misbehaving server cannot hold a circuit open for days.
   * @defaultValue 600_000 (10 minutes)
   */
  maxRetryAfterMs?: number;
}

/** What an HTTP client adapter needs from its options; see {@link httpClientBreakers}. */
export interface HttpClientBreakers {
  /** The breaker for a key (an origin by default). */
  breakerFor(key: string): CircuitBreaker;
  /** The `maxRetryAfterMs` to judge calls with. */
  readonly maxRetryAfterMs: number;
  /**
   * The wall-clock time to judge calls at (an HTTP-date `Retry-After` is wall-clock): the
   * breakers' clock's `wallNow()`, else its `now()`, else `Date.now()`.
   */
  now(): number;
}

/**
 * Turns the options every HTTP client adapter shares into its breakers, checking them at once.
 * An adapter removes its own options (`key`, `isFailure`) first and passes the rest.
 *
 * @example
 * ```ts
 * const { key = defaultKey, isFailure, ...shared } = options;
 * const breakers = httpClientBreakers(shared);
 * const breaker = breakers.breakerFor(key(request));
 * ```
 */
export function httpClientBreakers(options: HttpClientBreakerOptions = {}): HttpClientBreakers {
  const { registry, maxBreakers, maxRetryAfterMs = defaultMaxRetryAfterMs, ...breaker } = options;
  if (!(typeof maxRetryAfterMs === 'number' && maxRetryAfterMs >= 0)) {
    throw new InvalidOptionError(
      'maxRetryAfterMs',
      maxRetryAfterMs,
      'a number of milliseconds >= 0',
    );
  }
  for (const key of ['isFailure', 'isResultFailure', 'timeoutMs', 'name', 'fallback'] as const) {
    if (key in breaker) {
      throw new InvalidOptionError(
        key,
        (breaker as Record<string, unknown>)[key],
        'nothing here: an HTTP client adapter judges calls by their response and leaves timeouts to the client',
      );
    }
  }
  const clock = breaker.clock;
  return {
    breakerFor: keyedBreakers({ registry, maxBreakers, breaker }),
    maxRetryAfterMs,
    now:
      clock === undefined
        ? () => Date.now()
        : () => (clock.wallNow === undefined ? clock.now() : clock.wallNow()),
  };
}
