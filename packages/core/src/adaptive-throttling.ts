import { limits } from './limits.ts';
import { Checker } from './option-checker.ts';
import { builtIn, type Throttle, type TripRule } from './trip-rule.ts';
import { TimeWindow } from './windows/time-window.ts';

/** Options of {@link adaptiveThrottling}. */
export interface AdaptiveThrottlingOptions {
  /**
   * How many calls to send for each one the dependency accepts, once it accepts fewer than it
   * is sent: a number in [1, 10]. Under overload about `k` times what the dependency can answer
   * goes out, and the dependency refuses the `k - 1` beyond it; and shedding begins as soon as
   * fewer than `1 / k` of the calls succeed, whatever the cause. 1.15 sends at most 15 % more
   * than the dependency answers, and leaves a dependency alone until more than 13 % of its calls
   * fail; lower values waste less of an overloaded dependency's time but shed on fewer failures
   * (1.1: above 9 %), higher ones the reverse (the SRE book's 2 sheds nothing until half the
   * calls fail, and sends an overloaded dependency twice what it can answer).
   * @defaultValue 1.15
   */
  k?: number;
  /**
   * How far back requests and accepts are counted, in milliseconds (at most 2,147,483,647). A
   * shorter window follows a change of capacity sooner; a longer one is steadier at low traffic.
   * @defaultValue 10_000
   */
  windowMs?: number;
  /**
   * How many slices the window is cut into, an integer in [1, 1,000]; a slice ages out whole.
   * @defaultValue 10
   */
  buckets?: number;
  /**
   * How many requests the window must hold before anything is shed, an integer from 1 to
   * 1,000,000: a few failures on a fresh breaker must not shed most of its calls.
   * @defaultValue 20
   */
  minimumRequests?: number;
  /**
   * The source of chance, a function returning numbers in [0, 1): inject a seeded one to make
   * which calls are shed reproducible (tests, simulations).
   * @defaultValue `Math.random`
   */
  random?: () => number;
}

/**
 * Client-side adaptive throttling, as Google's SRE book describes it ("Handling Overload"): while
 * the circuit is closed, each call is refused locally with probability
 * `max(0, (requests - k × accepts) / (requests + 1))`, where over the last `windowMs` `requests`
 * counts the calls the breaker was asked to make (those it shed included) and `accepts` the
 * calls that succeeded. When a dependency answers only part of what it is sent, this sends about
 * `k` times what it accepts and sheds the rest, instead of cutting all traffic as an open
 * circuit does; when it accepts everything again, shedding fades within a few windows.
 *
 * A shed call is refused with a `CircuitOpenError` whose `reason` is `'throttled'` and whose
 * `retryAfterMs` is 1 s, counted in the `rejected` total and event: the HTTP adapters answer it
 * with a 503 and `Retry-After: 1`. Each breaker built with the rule keeps its own counts.
 *
 * Add it to the rules that open the circuit, or use it instead of them. On its own it never
 * opens the circuit, and when every call fails it sheds nearly all of them, but lets a few
 * through and recovers only as fast as those succeed (by `k` per window): keep a rule that opens
 * on a total outage, such as `failureRateRule({ threshold: 90 })`.
 *
 * @example
 * ```ts
 * import { adaptiveThrottling, CircuitBreaker, failureRateRule } from '@tripswitch/core';
 *
 * // Sheds the excess of an overload; opens when nearly every call fails.
 * const breaker = new CircuitBreaker({
 *   rules: [adaptiveThrottling(), failureRateRule({ threshold: 90 })],
 * });
 * ```
 */
export function adaptiveThrottling(options: AdaptiveThrottlingOptions = {}): TripRule {
  const check = new Checker(undefined);
  const path = 'adaptiveThrottling';
  if (typeof options !== 'object' || options === null) {
    throw check.fail(
      path,
      options,
      'an object { k?, windowMs?, buckets?, minimumRequests?, random? }',
    );
  }
  check.noOthers(path, options as Record<string, unknown>, [
    'k',
    'windowMs',
    'buckets',
    'minimumRequests',
    'random',
  ]);
  const { k = 1.15, random = Math.random } = options;
  if (!(typeof k === 'number' && k >= 1 && k <= 10)) {
    throw check.fail(`${path}.k`, k, 'a number in [1, 10]');
  }
  if (typeof random !== 'function') {
    throw check.fail(`${path}.random`, random, 'a function returning numbers in [0, 1)');
  }
  return new AdaptiveThrottling(
    k,
    check.duration(`${path}.windowMs`, options.windowMs) ?? 10_000,
    check.integer(`${path}.buckets`, options.buckets, limits.windowBuckets, 10),
    check.integer(`${path}.minimumRequests`, options.minimumRequests, limits.calls, 20),
    random,
  );
}

/** The rule: its settings, and a fresh throttle for each breaker. */
class AdaptiveThrottling implements TripRule {
  readonly name = 'adaptive-throttling';
  readonly k: number;
  readonly windowMs: number;
  readonly buckets: number;
  readonly minimumRequests: number;
  readonly #random: () => number;

  constructor(
    k: number,
    windowMs: number,
    buckets: number,
    minimumRequests: number,
    random: () => number,
  ) {
    this.k = k;
    this.windowMs = windowMs;
    this.buckets = buckets;
    this.minimumRequests = minimumRequests;
    this.#random = random;
    builtIn(this);
  }

  throttle(): Throttle {
    return new AdaptiveThrottle(this, this.#random);
  }
}

/**
 * One breaker's counts: a time window whose calls are the requests and whose failures are the
 * requests not accepted — the calls that failed, and the calls it shed itself.
 */
class AdaptiveThrottle implements Throttle {
  readonly #k: number;
  readonly #minimumRequests: number;
  readonly #random: () => number;
  readonly #window: TimeWindow;

  constructor(rule: AdaptiveThrottling, random: () => number) {
    this.#k = rule.k;
    this.#minimumRequests = rule.minimumRequests;
    this.#random = random;
    this.#window = new TimeWindow(rule.windowMs, rule.buckets);
  }

  shouldThrottle(now: number): boolean {
    const window = this.#window;
    window.advance(now);
    const requests = window.calls;
    if (requests < this.#minimumRequests) return false;
    const accepts = requests - window.failures;
    const p = (requests - this.#k * accepts) / (requests + 1);
    if (p <= 0 || !(this.#random() < p)) return false;
    window.record(true, false, now);
    return true;
  }

  record(failed: boolean, now: number): void {
    this.#window.record(failed, false, now);
  }
}
