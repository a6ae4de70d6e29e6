import type { CircuitBreaker } from '../circuit-breaker.ts';
import { readWallNow } from '../clock.ts';
import { InvalidOptionError } from '../errors.ts';
import type { BreakerRegistry, RegistryBreakerOptions } from '../registry.ts';
import { optionNamesChecker } from './adapter-option-names.ts';
import { keyedBreakers } from './keys.ts';
import { defaultMaxRetryAfterMs, type JudgeHttpCallOptions } from './outcome.ts';

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

/**
 * Breaker options that mean nothing to an HTTP client adapter, each with what to do instead: the
 * reason an `InvalidOptionError` gives when one is passed anyway.
 */
const refusedOptions: Readonly<Record<string, string>> = {
  name: 'nothing here: each breaker is named by its key, the origin it calls by default; give key to name the breakers yourself',
  timeoutMs:
    "nothing here: the client times its own requests (axios's timeout, got's timeout, a fetch signal such as AbortSignal.timeout(ms), undici's headersTimeout), and a request that times out counts as a failure",
  isResultFailure:
    "nothing here: a request is judged by its response; the adapter's isFailure({ response, error }) replaces the rule",
  isFailure:
    "nothing here: isFailure is the adapter's own option, asked about { response, error } (splitClientOptions takes it out)",
  fallback:
    "nothing here: fallback is the adapter's own option, answering a refused request with the client's response (splitClientOptions takes it out)",
};

// Its own options are taken out by the adapter (splitClientOptions) or here before the check; an
// unknown option's error lists them all, then the breaker options.
const checkOptionNames = optionNamesChecker({
  own: [],
  takenOut: ['key', 'isFailure', 'fallback', 'registry', 'maxBreakers', 'maxRetryAfterMs'],
  meaningless: refusedOptions,
});

// Read when judging calls of breakers with no clock of the user's; made once.
const wallNow = (): number => Date.now();

/**
 * @internal What an HTTP client adapter's judge of a call takes besides the call: the user's
 * `isFailure` for the client's outcome type, and the breakers' `judgingTime()` and
 * `maxRetryAfterMs`.
 */
export interface ClientJudgingOptions<TOutcome> {
  isFailure: ((outcome: TOutcome) => boolean) | undefined;
  now: JudgeHttpCallOptions['now'];
  maxRetryAfterMs: number;
}

/** What an HTTP client adapter needs from its options; see {@link httpClientBreakers}. */
export interface HttpClientBreakers {
  /** The breaker for a key (an origin by default). */
  breakerFor(key: string): CircuitBreaker;
  /** The `maxRetryAfterMs` to judge calls with. */
  readonly maxRetryAfterMs: number;
  /**
   * The wall-clock time to judge a call at, as `judgeHttpCall`'s `now` (an HTTP-date
   * `Retry-After` is wall-clock). With a clock of the user's, its reading now — its `wallNow()`,
   * else its `now()` — so that a clock that throws makes the call a failure whatever the
   * response (see `judgeAndSettle`). Without one, a function that reads `Date.now()`, which
   * `judgeHttpCall` calls only when a 429 or 503 asks to wait: most calls read no clock.
   */
  judgingTime(): number | (() => number);
}

/**
 * Turns the options every HTTP client adapter shares into its breakers, checking them at once.
 * An adapter removes its own options (`key`, `isFailure`, `fallback`: see `splitClientOptions`)
 * first and passes the rest. A breaker option that means nothing to an HTTP client (`name`,
 * `timeoutMs`, `isResultFailure`, `store`) is refused with an `InvalidOptionError` saying what to
 * do instead, and an unknown one with the list of the options a client adapter takes.
 *
 * @example
 * ```ts
 * const { key, isFailure, fallback, shared } = splitClientOptions(options, 'a function from a request to a string');
 * const breakers = httpClientBreakers(shared);
 * const breaker = breakers.breakerFor((key ?? defaultKey)(request));
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
  checkOptionNames(breaker);
  // Checks the breaker options, the clock among them; `breaker` is a copy, whose clock stays put.
  const breakerFor = keyedBreakers({ registry, maxBreakers, breaker });
  const clock = breaker.clock;
  return {
    breakerFor,
    maxRetryAfterMs,
    // The wall-clock time on the clock: its `wallNow()`, or its `now()` when it has none.
    judgingTime:
      clock === undefined ? () => wallNow : () => (readWallNow(clock) ?? clock.now()) as number,
  };
}
