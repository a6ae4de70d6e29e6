import { limits } from './limits.ts';
import { Checker } from './option-checker.ts';
import { builtIn, type TripCounts, type TripRule } from './trip-rule.ts';

/** Options of {@link failureRateRule} and {@link slowCallRateRule}. */
export interface RateRuleOptions {
  /**
   * The rate, in percent of the window's calls, at which the circuit opens: in (0, 100]. The
   * circuit opens on reaching it.
   * @defaultValue 50
   */
  threshold?: number;
  /**
   * How many calls the window must hold before the rate can open the circuit: an integer in
   * [1, 1,000,000]. More than a count window's size means "when the window is full".
   * @defaultValue 10
   */
  minimumCalls?: number;
}

/** Options of {@link consecutiveFailuresRule}. */
export interface ConsecutiveFailuresRuleOptions {
  /** How many failures in a row open the circuit: an integer in [1, 1,000,000]. */
  failures: number;
}

/**
 * Whether `part` of the window's calls reaches `threshold` percent of them, once it holds
 * `minimumCalls` (or is full). Compared multiplied out, so that e.g. 1 of 3 at a threshold of
 * 33.34 % is exact.
 */
function rateReached(
  part: number,
  counts: TripCounts,
  threshold: number,
  minimumCalls: number,
): boolean {
  const calls = counts.calls;
  return calls >= Math.min(minimumCalls, counts.capacity) && part * 100 >= threshold * calls;
}

/** Opens when the window's failures reach a rate. */
class FailureRateRule implements TripRule {
  readonly name = 'failure-rate';
  /** The rate that opens the circuit, in percent. */
  readonly threshold: number;
  /** The calls the window must hold before the rate counts. */
  readonly minimumCalls: number;

  constructor(threshold: number, minimumCalls: number) {
    this.threshold = threshold;
    this.minimumCalls = minimumCalls;
    builtIn(this);
  }

  shouldOpen(counts: TripCounts): boolean {
    return rateReached(counts.failures, counts, this.threshold, this.minimumCalls);
  }
}

/** Opens when the window's slow calls reach a rate. */
class SlowCallRateRule implements TripRule {
  readonly name = 'slow-call-rate';
  /** The rate that opens the circuit, in percent. */
  readonly threshold: number;
  /** The calls the window must hold before the rate counts. */
  readonly minimumCalls: number;

  constructor(threshold: number, minimumCalls: number) {
    this.threshold = threshold;
    this.minimumCalls = minimumCalls;
    builtIn(this);
  }

  shouldOpen(counts: TripCounts): boolean {
    return rateReached(counts.slowCalls, counts, this.threshold, this.minimumCalls);
  }
}

class ConsecutiveFailuresRule implements TripRule {
  readonly name = 'consecutive-failures';
  /** The failures in a row that open the circuit. */
  readonly failures: number;

  constructor(failures: number) {
    this.failures = failures;
    builtIn(this);
  }

  shouldOpen(counts: TripCounts): boolean {
    // The fleet's counts keep no order: a run of failures is this process's alone.
    const run = counts.consecutiveFailures;
    return run !== undefined && run >= this.failures;
  }
}

/**
 * Opens the circuit when the failed calls reach `threshold` percent of the window's calls, once
 * it holds `minimumCalls`. The options `failureRateThreshold` and `minimumCalls` are shorthands
 * for it, and a breaker without `rules` has it.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ rules: [failureRateRule({ threshold: 25, minimumCalls: 20 })] });
 * ```
 */
export function failureRateRule(options: RateRuleOptions = {}): TripRule {
  const { threshold, minimumCalls } = rateOptions(options, 'failureRateRule');
  return new FailureRateRule(threshold, minimumCalls);
}

/**
 * Opens the circuit when the slow calls — those that took at least the breaker's
 * `slowCallDurationMs`, whether they succeeded or failed — reach `threshold` percent of the
 * window's calls, once it holds `minimumCalls`. The options `slowCallRateThreshold` and
 * `minimumCalls` are shorthands for it. Without `slowCallDurationMs` no call is slow, and it
 * never opens.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({
 *   slowCallDurationMs: 2_000,
 *   rules: [failureRateRule(), slowCallRateRule({ threshold: 80 })],
 * });
 * ```
 */
export function slowCallRateRule(options: RateRuleOptions = {}): TripRule {
  const { threshold, minimumCalls } = rateOptions(options, 'slowCallRateRule');
  return new SlowCallRateRule(threshold, minimumCalls);
}

/**
 * Opens the circuit after `failures` failures in a row, whatever the window holds. The option
 * `consecutiveFailures` is a shorthand for it. It judges this process's calls only: the fleet's
 * counts keep no order.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ rules: [failureRateRule(), consecutiveFailuresRule({ failures: 5 })] });
 * ```
 */
export function consecutiveFailuresRule(options: ConsecutiveFailuresRuleOptions): TripRule {
  const check = new Checker(undefined);
  const path = 'consecutiveFailuresRule';
  if (typeof options !== 'object' || options === null) {
    throw check.fail(path, options, 'an object { failures }');
  }
  check.noOthers(path, options as unknown as Record<string, unknown>, ['failures']);
  return new ConsecutiveFailuresRule(
    check.integer(`${path}.failures`, options.failures, limits.calls),
  );
}

function rateOptions(options: RateRuleOptions, path: string): Required<RateRuleOptions> {
  const check = new Checker(undefined);
  if (typeof options !== 'object' || options === null) {
    throw check.fail(path, options, 'an object { threshold?, minimumCalls? }');
  }
  check.noOthers(path, options as Record<string, unknown>, ['threshold', 'minimumCalls']);
  return {
    threshold: check.percent(`${path}.threshold`, options.threshold, 50),
    minimumCalls: check.integer(`${path}.minimumCalls`, options.minimumCalls, limits.calls, 10),
  };
}

/**
 * @internal Whether every rule of `rules` is a built-in one that judges counts. None of those
 * opens on a window without a failed or slow call, so a breaker need not ask them about one.
 */
export function opensOnlyOnBadCalls(rules: readonly TripRule[]): boolean {
  return rules.every(
    (rule) =>
      rule instanceof FailureRateRule ||
      rule instanceof SlowCallRateRule ||
      rule instanceof ConsecutiveFailuresRule,
  );
}

// Breakers built with the default thresholds share their list: the rules hold no state.
let defaultRules: readonly TripRule[] | undefined;
let defaultRulesNoneSlow: readonly TripRule[] | undefined;

/**
 * @internal The rules the shorthand options describe, already checked: the failure rate, the
 * slow-call rate, and consecutive failures when a number is given. The slow-call rate is left
 * out where it can never open the circuit — no call is slow (`slowCallDurationMs` unset) and
 * there is no store whose fleet's counts could hold slow calls of other processes — so that no
 * call pays for asking it.
 */
export function shorthandRules(
  failureRateThreshold: number,
  slowCallRateThreshold: number,
  minimumCalls: number,
  consecutiveFailures: number | undefined,
  slowCallsCounted: boolean,
): readonly TripRule[] {
  if (failureRateThreshold === 50 && minimumCalls === 10 && consecutiveFailures === undefined) {
    if (!slowCallsCounted) {
      defaultRulesNoneSlow ??= Object.freeze([new FailureRateRule(50, 10)]);
      return defaultRulesNoneSlow;
    }
    if (slowCallRateThreshold === 50) {
      defaultRules ??= Object.freeze([new FailureRateRule(50, 10), new SlowCallRateRule(50, 10)]);
      return defaultRules;
    }
  }
  const rules: TripRule[] = [new FailureRateRule(failureRateThreshold, minimumCalls)];
  if (slowCallsCounted) rules.push(new SlowCallRateRule(slowCallRateThreshold, minimumCalls));
  if (consecutiveFailures !== undefined) {
    rules.push(new ConsecutiveFailuresRule(consecutiveFailures));
  }
  return rules;
}
