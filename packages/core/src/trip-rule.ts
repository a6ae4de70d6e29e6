import type { TransitionReason } from './events.ts';
import { limits } from './limits.ts';
import type { Checker } from './option-checker.ts';

/**
 * The outcome counts a {@link TripRule} judges: the calls of this process's sliding window, or
 * the fleet's — every process that shares the breaker through a store — over the store's window.
 * Valid only while the rule is asked; do not keep or change it.
 */
export interface TripCounts {
  /** Calls in the window: successes and failures; ignored calls and refusals are not counted. */
  readonly calls: number;
  /** Failed calls in the window. */
  readonly failures: number;
  /** Slow calls in the window (at least `slowCallDurationMs`, whether they succeeded or failed). */
  readonly slowCalls: number;
  /**
   * The most calls the window can hold: a count window's `size`; `Infinity` for a time window
   * and for the fleet's counts. A rule that waits for a minimum of calls should wait for no more
   * than this, or it would never act.
   */
  readonly capacity: number;
  /**
   * Failures in a row since the last success, in this process; `undefined` in the fleet's counts,
   * which keep no order between processes.
   */
  readonly consecutiveFailures: number | undefined;
}

/**
 * A rule that decides when a closed circuit opens, or sheds part of its calls. After every
 * outcome it records while closed, a breaker asks each of its rules in turn whether its window's
 * counts call for opening (`shouldOpen`), and opens on the first that says so; with a store it
 * then asks them again about the fleet's counts, so a fleet opens together however few calls
 * each process saw. The same rule judges both. A rule with `throttle` sheds load instead: see
 * {@link Throttle}.
 *
 * The built-in rules are {@link failureRateRule}, {@link slowCallRateRule},
 * {@link consecutiveFailuresRule} and {@link adaptiveThrottling}; the options
 * `failureRateThreshold`, `slowCallRateThreshold`, `minimumCalls` and `consecutiveFailures` are
 * shorthands for the first three. A rule is asked on every call, so it should be cheap. One that
 * throws is reported as a `callbackError` event and counts as "do not open" (or "let the call
 * through").
 *
 * @example
 * ```ts
 * import { CircuitBreaker, failureRateRule, type TripRule } from '@tripswitch/core';
 *
 * // Opens on three failures among the window's calls, however many calls it holds.
 * const threeFailures: TripRule = {
 *   name: 'three-failures',
 *   shouldOpen: (counts) => counts.failures >= 3,
 * };
 * const breaker = new CircuitBreaker({ rules: [failureRateRule(), threeFailures] });
 * ```
 */
export interface TripRule {
  /**
   * The rule's name, in errors and in the `stateChange` event of an open it causes: a built-in
   * rule's reason is its name (`'failure-rate'`); any other rule's open has the reason
   * `'trip-rule'` and its name in `rule`.
   */
  readonly name: string;
  /** Whether `counts` call for opening the circuit. */
  shouldOpen?(counts: TripCounts): boolean;
  /**
   * Makes the throttle of one breaker: called once by each breaker built with the rule, so
   * breakers that share a rule (a registry's defaults) keep their own measure.
   */
  throttle?(): Throttle;
}

/**
 * A rule's measure of what one breaker's dependency accepts, for shedding load while the
 * circuit is closed: before each call is admitted the breaker asks `shouldThrottle`, and refuses
 * the call when it says so — with a `CircuitOpenError` whose `reason` is `'throttled'`, counted
 * in the `rejected` total and event. Every call the breaker then records while closed (or
 * disabled, where nothing is refused) is reported to `record`. Both are on the breaker's clock.
 * Neither is asked outside the closed state, and the measure outlives a state change: what the
 * dependency can take does not change because the circuit opened.
 */
export interface Throttle {
  /** Whether to refuse the call about to be admitted at `now`. */
  shouldThrottle(now: number): boolean;
  /** A call admitted while closed or disabled ended at `now`, failed or not. */
  record(failed: boolean, now: number): void;
}

/**
 * The rules the built-in factories made. A breaker takes one as it is: it holds the values its
 * factory checked, and is frozen. A proxy of one is not one.
 */
const builtInRules = new WeakSet<object>();

/** @internal Freezes a rule made by a built-in factory, and marks it as the breaker's own. */
export function builtIn(rule: TripRule): void {
  builtInRules.add(Object.freeze(rule));
}

function isBuiltInRule(rule: object): boolean {
  return builtInRules.has(rule);
}

/** The names of the built-in rules, which are also the reasons of the opens they cause. */
const builtInReasons: ReadonlySet<string> = new Set<string>([
  'failure-rate',
  'slow-call-rate',
  'consecutive-failures',
] satisfies TransitionReason[]);

/**
 * @internal Why an open `rule` asked for is announced: a built-in rule's name, or `'trip-rule'`
 * (with the rule's name beside it) for any other.
 */
export function reasonOf(rule: TripRule): TransitionReason {
  return builtInReasons.has(rule.name) ? (rule.name as TransitionReason) : 'trip-rule';
}

/**
 * @internal Checks the `rules` option: a list of rule objects, each named and able to judge or
 * to throttle.
 */
export function checkRules(value: unknown, check: Checker): readonly TripRule[] {
  if (!Array.isArray(value)) {
    throw check.fail('rules', value, 'an array of trip rules, such as [failureRateRule()]');
  }
  // The length is read once, and each rule once: a proxy may answer differently the second time.
  const length = value.length;
  if (length > limits.rules) {
    throw check.fail('rules', value, `at most ${limits.rules} trip rules`);
  }
  const rules: TripRule[] = [];
  for (let i = 0; i < length; i++) rules.push(checkRule(value[i], `rules[${i}]`, check));
  return rules;
}

/**
 * Checks a rule, and returns it as the breaker asks it: a built-in rule as it is (the breaker's
 * own, it holds the values its factory checked), any other as a new rule holding the name and
 * the methods checked, called on the rule. Each is read once, since a getter or a proxy may
 * answer something else the second time.
 */
function checkRule(rule: unknown, path: string, check: Checker): TripRule {
  const expected = 'a trip rule: an object { name, shouldOpen(counts) } or { name, throttle() }';
  if (typeof rule !== 'object' || rule === null) throw check.fail(path, rule, expected);
  if (isBuiltInRule(rule)) return rule as TripRule;
  const { name, shouldOpen, throttle } = rule as Partial<Record<keyof TripRule, unknown>>;
  if (typeof name !== 'string' || name.length === 0 || name.length > limits.ruleName) {
    throw check.fail(
      `${path}.name`,
      name,
      `a non-empty string of at most ${limits.ruleName} characters`,
    );
  }
  if (shouldOpen !== undefined && typeof shouldOpen !== 'function') {
    throw check.fail(`${path}.shouldOpen`, shouldOpen, 'a function (counts) => boolean');
  }
  if (throttle !== undefined && typeof throttle !== 'function') {
    throw check.fail(`${path}.throttle`, throttle, 'a function returning a Throttle');
  }
  if (shouldOpen === undefined && throttle === undefined) {
    throw check.fail(path, rule, `${expected}: it has neither shouldOpen nor throttle`);
  }
  const checked: { -readonly [K in keyof TripRule]: TripRule[K] } = { name };
  if (shouldOpen !== undefined) {
    checked.shouldOpen = (counts) => Reflect.apply(shouldOpen, rule, [counts]);
  }
  if (throttle !== undefined) checked.throttle = () => Reflect.apply(throttle, rule, []);
  return checked;
}

/**
 * @internal Makes a breaker's throttle from `rule`, checking what it makes; the rule is the
 * `index`-th of the `rules` option.
 */
export function throttleOf(rule: TripRule, index: number, check: Checker): Throttle {
  const path = `rules[${index}].throttle`;
  const expected = 'a function returning a Throttle { shouldThrottle(now), record(failed, now) }';
  let throttle: unknown;
  try {
    throttle = (rule as Required<TripRule>).throttle();
  } catch (error) {
    throw check.fail(path, rule.throttle, `${expected} (it threw)`, error);
  }
  // A built-in rule's throttle is the breaker's own too.
  if (isBuiltInRule(rule)) return throttle as Throttle;
  if (typeof throttle !== 'object' || throttle === null) {
    throw check.fail(path, rule.throttle, `${expected} (it returned ${String(throttle)})`);
  }
  // Each method is read once, and called on the throttle, as for a rule's.
  const { shouldThrottle, record } = throttle as Record<keyof Throttle, unknown>;
  if (typeof shouldThrottle !== 'function' || typeof record !== 'function') {
    throw check.fail(path, rule.throttle, `${expected} (it returned ${String(throttle)})`);
  }
  return {
    shouldThrottle: (now) => Reflect.apply(shouldThrottle, throttle, [now]),
    record: (failed, now) => Reflect.apply(record, throttle, [failed, now]),
  };
}
