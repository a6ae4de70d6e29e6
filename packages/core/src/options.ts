import {
  type ExponentialBackoffOptions,
  exponentialBackoff,
  type OpenDurationFn,
  validateBackoff,
} from './backoff.ts';
import { shorthandRules } from './built-in-rules.ts';
import { type Clock, systemClock } from './clock.ts';
import { InvalidOptionError } from './errors.ts';
import { durationText, isDuration, limits } from './limits.ts';
import { Checker } from './option-checker.ts';
import { type BreakerSnapshot, validateSnapshot } from './snapshot.ts';
import type { BreakerStore } from './store.ts';
import { checkRules, type TripRule } from './trip-rule.ts';

/**
 * Which recent calls a breaker judges: the last `size` calls (`count`), or the calls of the last
 * `durationMs`, kept in `buckets` slices that age out one at a time (`time`).
 */
export type WindowOptions =
  | {
      /** A window of the latest calls, however long ago they were made. */
      type: 'count';
      /** How many of the latest calls the window holds: an integer in [1, 100,000]. */
      size: number;
    }
  | {
      /** A window of the calls made over the latest stretch of time, however many. */
      type: 'time';
      /** How long the window is, in milliseconds: in (0, 2,147,483,647] (24.8 days). */
      durationMs: number;
      /**
       * How many slices the window is cut into: an integer in [1, 1,000].
       * @defaultValue 10
       */
      buckets?: number;
    };

/** Limits how many calls run at once through a breaker, and how many wait for a turn. */
export interface BulkheadOptions {
  /**
   * How many calls may run at once: an integer in [1, 100,000]. A call holds its slot until its
   * function settles — also after it timed out or its caller aborted, as long as the function
   * goes on running (see `stats().bulkhead.lingering`). A function that never settles holds its
   * slot for good.
   */
  maxConcurrent: number;
  /**
   * How many calls may wait for a slot, an integer in [0, 100,000]; a call beyond that is
   * refused with `BulkheadFullError`. Only `execute`, `wrap` and `acquire` wait; `tryAcquire`
   * never does.
   * @defaultValue 0
   */
  maxQueue?: number;
  /**
   * How long a call may wait in the queue, in milliseconds (at most 2,147,483,647), before it
   * is refused.
   * @defaultValue no limit
   */
  queueTimeoutMs?: number;
}

/**
 * How long a circuit stays open before it lets trial calls through: milliseconds, a function of
 * the attempt (opens since the circuit last closed, from 1), or the options of
 * {@link exponentialBackoff} (handy in JSON configuration).
 */
export type OpenDuration = number | OpenDurationFn | ExponentialBackoffOptions;

/**
 * Options of a {@link CircuitBreaker}. Every option is checked when the breaker is built; a bad
 * one throws `InvalidOptionError` naming it, the value and what is allowed. Every size and count
 * has an upper bound, given with each option, and every duration is at most 2,147,483,647 ms
 * (about 24.8 days).
 *
 * @typeParam TFallback - what `fallback` returns, so `execute` is typed with it.
 */
export interface CircuitBreakerOptions<TFallback = never> {
  /**
   * The breaker's name, in errors, events and snapshots.
   * @defaultValue `'default'`
   */
  name?: string | undefined;
  /**
   * The sliding window of recent calls the rates are computed over.
   * @defaultValue `{ type: 'count', size: 20 }`
   */
  window?: WindowOptions | undefined;
  /**
   * How many calls the window must hold before a rate can open the circuit, an integer in
   * [1, 1,000,000]. Larger than a count window's size means "when the window is full". A
   * shorthand for the rate rules' `minimumCalls` (see `rules`).
   * @defaultValue 10
   */
  minimumCalls?: number | undefined;
  /**
   * The failure rate, in percent of the calls in the window, at which the circuit opens. A
   * shorthand for `failureRateRule({ threshold })` (see `rules`).
   * @defaultValue 50
   */
  failureRateThreshold?: number | undefined;
  /**
   * Opens the circuit after this many failures in a row, whatever the window holds: an integer
   * in [1, 1,000,000]. A shorthand for `consecutiveFailuresRule({ failures })` (see `rules`).
   * @defaultValue off
   */
  consecutiveFailures?: number | undefined;
  /**
   * A call that takes at least this long, in milliseconds, is slow, whether it succeeds or fails.
   * At most 2,147,483,647.
   * @defaultValue off: no call is slow
   */
  slowCallDurationMs?: number | undefined;
  /**
   * The rate of slow calls, in percent of the calls in the window, at which the circuit opens. A
   * shorthand for `slowCallRateRule({ threshold })` (see `rules`).
   * @defaultValue 50
   */
  slowCallRateThreshold?: number | undefined;
  /**
   * The rules that decide when the circuit opens, asked in this order after every call recorded
   * while closed (at most 16): built-in ones such as `failureRateRule()`, or your own
   * {@link TripRule}. Given, it is the whole list: the shorthands `failureRateThreshold`,
   * `slowCallRateThreshold`, `minimumCalls` and `consecutiveFailures` cannot be given with it;
   * put their rules in the list instead. An empty list never opens the circuit.
   * @defaultValue the rules the shorthands describe: `[failureRateRule({ threshold:
   * failureRateThreshold, minimumCalls }), slowCallRateRule({ threshold: slowCallRateThreshold,
   * minimumCalls })]`, and `consecutiveFailuresRule({ failures: consecutiveFailures })` when it is
   * set
   */
  rules?: readonly TripRule[] | undefined;
  /**
   * How long the circuit stays open before trial calls are let through, in milliseconds: at
   * most 2,147,483,647. A function's answer above that is cut to it; an answer that is not a
   * number > 0 is reported as a `callbackError` and the first open duration is used instead.
   * @defaultValue `exponentialBackoff({ initialMs: 1_000, maxMs: 30_000 })`: 1 s, 2 s, 4 s ... 30 s
   */
  openDurationMs?: OpenDuration | undefined;
  /**
   * How many trial calls a half-open circuit admits, an integer in [1, 1,000]; when that many
   * have succeeded it closes.
   * @defaultValue 3
   */
  halfOpenMaxCalls?: number | undefined;
  /**
   * A trial call still unsettled this long after it was admitted counts as failed, so a hung
   * call cannot hold the circuit half-open. In milliseconds, at most 2,147,483,647.
   * @defaultValue the open duration that preceded the half-open period
   */
  halfOpenTimeoutMs?: number | undefined;
  /**
   * Aborts a call through `execute` or `wrap` after this many milliseconds (at most
   * 2,147,483,647: `setTimeout` fires a longer wait at once) and counts it as a failure; the
   * call rejects with `CircuitTimeoutError`. The timeout runs on the runtime's `setTimeout`, not
   * on `clock` (which only tells time): drive it in tests with fake timers. A function that
   * ignores its signal goes on running; with a bulkhead, it keeps its slot until it settles.
   * @defaultValue no timeout
   */
  timeoutMs?: number | undefined;
  /**
   * Whether a thrown error counts as a failure. Return false to ignore it: it is neither a
   * success nor a failure, takes no window slot, and is passed to the caller unchanged.
   * @defaultValue every error is a failure
   */
  isFailure?: ((error: unknown) => boolean) | undefined;
  /**
   * Whether a returned value counts as a failure (an error response returned rather than
   * thrown). The caller still receives the value.
   * @defaultValue no result is a failure
   */
  isResultFailure?: ((result: unknown) => boolean) | undefined;
  /**
   * Produces the result of a call that failed, timed out or was refused (open circuit, full
   * bulkhead), from the error and the wrapped function's arguments. Not called for ignored errors
   * or calls aborted by their caller.
   */
  fallback?: ((error: unknown, ...args: never[]) => TFallback | PromiseLike<TFallback>) | undefined;
  /** Limits concurrent calls. @defaultValue no limit */
  bulkhead?: BulkheadOptions | undefined;
  /**
   * The source of time.
   * @defaultValue {@link systemClock}: monotonic, so a step of the system clock changes no
   * duration
   */
  clock?: Clock | undefined;
  /** A snapshot from `toJSON()` to start from, for example one saved by a previous invocation. */
  initialState?: BreakerSnapshot | undefined;
  /**
   * Shares the circuit's state with every process whose breaker has the same name, through a
   * store such as `@tripswitch/redis`'s `RedisBreakerStore`.
   * @defaultValue none: the breaker is this process's alone
   */
  store?: BreakerStore | undefined;
}

/** @internal Options resolved to their defaults and checked; what the breaker reads at run time. */
export interface Settings {
  readonly name: string;
  readonly window: Readonly<
    { type: 'count'; size: number } | { type: 'time'; durationMs: number; buckets: number }
  >;
  /** Undefined when no call is slow: a field holding Infinity would cost a heap number. */
  readonly slowCallDurationMs: number | undefined;
  readonly rules: readonly TripRule[];
  readonly openDuration: OpenDurationFn;
  /**
   * The open duration for attempt 1, as checked: what a circuit opens for when `openDuration`
   * answers nonsense at run time.
   */
  readonly firstOpenDurationMs: number;
  readonly halfOpenMaxCalls: number;
  readonly halfOpenTimeoutMs: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly isFailure: ((error: unknown) => boolean) | undefined;
  readonly isResultFailure: ((result: unknown) => boolean) | undefined;
  readonly fallback: ((error: unknown, ...args: unknown[]) => unknown) | undefined;
  readonly bulkhead:
    | Readonly<
        Required<Omit<BulkheadOptions, 'queueTimeoutMs'>> & { queueTimeoutMs: number | undefined }
      >
    | undefined;
  readonly clock: Clock;
  readonly initialState: BreakerSnapshot | undefined;
  readonly store: BreakerStore | undefined;
}

// The name of every option, in the order an unknown option's error lists them. The type below
// fails to compile when an option is missing, so the check cannot drift from the options.
const allOptionNames = [
  'name',
  'window',
  'minimumCalls',
  'failureRateThreshold',
  'consecutiveFailures',
  'slowCallDurationMs',
  'slowCallRateThreshold',
  'rules',
  'openDurationMs',
  'halfOpenMaxCalls',
  'halfOpenTimeoutMs',
  'timeoutMs',
  'isFailure',
  'isResultFailure',
  'fallback',
  'bulkhead',
  'clock',
  'initialState',
  'store',
] as const satisfies readonly (keyof CircuitBreakerOptions)[];
type UnlistedOption = Exclude<keyof CircuitBreakerOptions, (typeof allOptionNames)[number]>;
const everyOptionListed: [UnlistedOption] extends [never] ? true : UnlistedOption = true;
void everyOptionListed;

/**
 * @internal The name of every breaker option, in the order an unknown option's error lists them;
 * the adapters derive the breaker options they pass on from it.
 */
export const optionNameList: readonly (keyof CircuitBreakerOptions)[] = allOptionNames;

/** The names of every option, for the unknown-option check. */
const optionNames: ReadonlySet<string> = new Set(allOptionNames);

const defaultOpenDuration: OpenDurationFn = exponentialBackoff({ initialMs: 1_000, maxMs: 30_000 });

/** An open duration as checked: the function of the attempt, and its answer for attempt 1. */
interface CheckedOpenDuration {
  readonly fn: OpenDurationFn;
  readonly firstMs: number;
}

const defaultCheckedOpenDuration: CheckedOpenDuration = {
  fn: defaultOpenDuration,
  firstMs: defaultOpenDuration(1),
};

/**
 * Checks breaker options exactly as `new CircuitBreaker(options)` does, without building a
 * breaker: nothing is bound to a `store`, nothing is kept, no event is emitted. For options that
 * are applied later — per key, per route, read from a configuration file — so a mistake fails
 * at start-up, naming the option as it was written. An `openDurationMs` function is asked about
 * attempt 1, as the constructor asks it.
 *
 * @param options - breaker options; `undefined` is valid (every default), as for the constructor.
 * @throws `InvalidOptionError` for the first bad option, naming it, the value, what is allowed
 * and, when the options have a `name`, the breaker.
 *
 * @example
 * ```ts
 * import { validateBreakerOptions } from '@tripswitch/core';
 *
 * const options: unknown = JSON.parse(await readFile('breakers.json', 'utf8')).payments;
 * validateBreakerOptions(options); // throws InvalidOptionError: Invalid option "window.size" ...
 * const payments = new CircuitBreaker({ ...options, name: 'payments' });
 * ```
 */
export function validateBreakerOptions(
  options: unknown,
): asserts options is CircuitBreakerOptions<unknown> | undefined {
  resolveOptions(options as CircuitBreakerOptions<unknown> | undefined);
}

/**
 * @internal Checks breaker options that belong to no breaker yet (registry defaults, an adapter's
 * options), naming a bad one by its path in the caller's configuration (`breakers.payments.`)
 * rather than by a breaker name.
 */
export function checkBreakerOptions(options: CircuitBreakerOptions<unknown>, path = ''): void {
  try {
    resolveOptions(options);
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    throw new InvalidOptionError(`${path}${error.option}`, error.value, error.expected, undefined, {
      cause: error,
    });
  }
}

// The settings of a breaker built without options, shared by every such breaker: they hold
// nothing of one breaker's own.
let defaultSettings: Settings | undefined;

/**
 * @internal Applies defaults to `options` and checks every one of them. Settings are never
 * changed once made, so breakers built without options share one.
 */
export function resolveOptions(options?: CircuitBreakerOptions<unknown>): Settings {
  if (options === undefined) {
    defaultSettings ??= Object.freeze(resolveGiven({}));
    return defaultSettings;
  }
  return resolveGiven(options);
}

/** The value of every option, as read once. */
type OptionValues = Record<(typeof allOptionNames)[number], unknown>;

/**
 * Reads every option once. What a breaker uses must be what was checked, and an options object
 * may have getters, or be a proxy, that answer differently the second time: so each option is
 * read here, once, and only these values are checked and used.
 */
function valuesOf(options: object): OptionValues {
  const values = {} as OptionValues;
  for (const name of allOptionNames) values[name] = (options as Record<string, unknown>)[name];
  return values;
}

function resolveGiven(options: CircuitBreakerOptions<unknown>): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object of breaker options');
  }
  const o = valuesOf(options);
  const name = o.name === undefined ? 'default' : o.name;
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError('name', name, 'a non-empty string');
  }
  const check = new Checker(name);
  for (const key of Object.keys(options)) {
    if (!optionNames.has(key)) {
      throw new InvalidOptionError(
        key,
        (options as Record<string, unknown>)[key],
        `no such option; allowed: ${[...optionNames].join(', ')}`,
        name,
      );
    }
  }
  const window = resolveWindow(o.window, check);
  const openDuration = resolveOpenDuration(o.openDurationMs, check);
  return {
    name,
    window,
    rules: resolveRules(o, check),
    slowCallDurationMs: check.duration('slowCallDurationMs', o.slowCallDurationMs),
    openDuration: openDuration.fn,
    firstOpenDurationMs: openDuration.firstMs,
    halfOpenMaxCalls: check.integer(
      'halfOpenMaxCalls',
      o.halfOpenMaxCalls,
      limits.halfOpenMaxCalls,
      3,
    ),
    halfOpenTimeoutMs: check.duration('halfOpenTimeoutMs', o.halfOpenTimeoutMs),
    timeoutMs: check.duration('timeoutMs', o.timeoutMs),
    isFailure: check.fn('isFailure', o.isFailure) as Settings['isFailure'],
    isResultFailure: check.fn('isResultFailure', o.isResultFailure) as Settings['isResultFailure'],
    fallback: check.fn('fallback', o.fallback) as Settings['fallback'],
    bulkhead: resolveBulkhead(o.bulkhead, check),
    clock: resolveClock(o.clock, check),
    initialState: o.initialState === undefined ? undefined : validateSnapshot(o.initialState, name),
    store: resolveStore(o.store, check),
  };
}

/** The shorthands of the built-in rules, which `rules` replaces. */
const shorthands = [
  'minimumCalls',
  'failureRateThreshold',
  'slowCallRateThreshold',
  'consecutiveFailures',
] as const;

function resolveRules(o: OptionValues, check: Checker): readonly TripRule[] {
  if (o.rules !== undefined) {
    const given = shorthands.find((option) => o[option] !== undefined);
    if (given !== undefined) {
      throw check.fail(
        given,
        o[given],
        'no shorthand beside `rules`, which replaces the rules it describes: put the rule in `rules` (failureRateRule({ threshold, minimumCalls }), slowCallRateRule(...), consecutiveFailuresRule({ failures }))',
      );
    }
    return checkRules(o.rules, check);
  }
  // Checked in the order the options are documented in.
  const minimumCalls = check.integer('minimumCalls', o.minimumCalls, limits.calls, 10);
  const failureRateThreshold = check.percent('failureRateThreshold', o.failureRateThreshold, 50);
  const consecutiveFailures =
    o.consecutiveFailures === undefined
      ? undefined
      : check.integer('consecutiveFailures', o.consecutiveFailures, limits.calls);
  const slowCallRateThreshold = check.percent('slowCallRateThreshold', o.slowCallRateThreshold, 50);
  return shorthandRules(
    failureRateThreshold,
    slowCallRateThreshold,
    minimumCalls,
    consecutiveFailures,
    o.slowCallDurationMs !== undefined || o.store !== undefined,
  );
}

// Breakers that keep the default window share its description.
const defaultWindow: Settings['window'] = Object.freeze({ type: 'count', size: 20 });

function resolveWindow(value: unknown, check: Checker): Settings['window'] {
  if (value === undefined) return defaultWindow;
  const expected = "{ type: 'count', size } or { type: 'time', durationMs, buckets? }";
  if (typeof value !== 'object' || value === null) throw check.fail('window', value, expected);
  const { type, ...rest } = value as Record<string, unknown>;
  if (type === 'count') {
    check.noOthers('window', rest, ['size']);
    return { type, size: check.integer('window.size', rest.size, limits.windowSize) };
  }
  if (type === 'time') {
    check.noOthers('window', rest, ['durationMs', 'buckets']);
    const durationMs = check.duration('window.durationMs', rest.durationMs);
    if (durationMs === undefined) throw check.fail('window.durationMs', undefined, durationText);
    const buckets = check.integer('window.buckets', rest.buckets, limits.windowBuckets, 10);
    return { type, durationMs, buckets };
  }
  throw check.fail('window.type', type, "'count' or 'time'");
}

function resolveOpenDuration(value: unknown, check: Checker): CheckedOpenDuration {
  if (value === undefined) return defaultCheckedOpenDuration;
  if (typeof value === 'number') {
    const ms = check.duration('openDurationMs', value) as number;
    return { fn: () => ms, firstMs: ms };
  }
  if (typeof value === 'function') {
    const fn = value as OpenDurationFn;
    // Probe the first attempt so a function that returns nonsense fails now, not mid-outage.
    let first: unknown;
    try {
      first = fn(1);
    } catch (error) {
      throw check.fail(
        'openDurationMs',
        value,
        'a function that returns milliseconds for attempt 1 (it threw)',
        error,
      );
    }
    if (!isDuration(first)) {
      throw check.fail(
        'openDurationMs',
        value,
        `a function returning ${durationText} (it returned ${String(first)} for attempt 1)`,
      );
    }
    // The answer checked is kept: asked again, the function may answer something else.
    return { fn, firstMs: first };
  }
  if (typeof value === 'object' && value !== null) {
    const fn = exponentialBackoff(validateBackoff(value, 'openDurationMs', check.breakerName));
    return { fn, firstMs: fn(1) };
  }
  throw check.fail(
    'openDurationMs',
    value,
    `milliseconds > 0 and <= ${limits.durationMs}, a function of the attempt, or { initialMs, maxMs, factor?, jitter? }`,
  );
}

function resolveBulkhead(value: unknown, check: Checker): Settings['bulkhead'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw check.fail('bulkhead', value, 'an object { maxConcurrent, maxQueue?, queueTimeoutMs? }');
  }
  const b = value as Record<string, unknown>;
  check.noOthers('bulkhead', b, ['maxConcurrent', 'maxQueue', 'queueTimeoutMs']);
  return {
    maxConcurrent: check.integer('bulkhead.maxConcurrent', b.maxConcurrent, limits.maxConcurrent),
    maxQueue: check.count('bulkhead.maxQueue', b.maxQueue, limits.maxQueue),
    queueTimeoutMs: check.duration('bulkhead.queueTimeoutMs', b.queueTimeoutMs),
  };
}

/**
 * The store, as the breaker calls it: its `bind` method as checked, called on the store. Taken
 * once, since a getter or a proxy may answer something else the second time.
 */
function resolveStore(value: unknown, check: Checker): BreakerStore | undefined {
  if (value === undefined) return undefined;
  const expected = 'a breaker store, an object with a bind(circuit) method';
  if (typeof value !== 'object' || value === null) throw check.fail('store', value, expected);
  const bind: unknown = (value as BreakerStore).bind;
  if (typeof bind !== 'function') throw check.fail('store', value, expected);
  return { bind: (circuit) => Reflect.apply(bind, value, [circuit]) };
}

/**
 * The clock, checked, and used as it is: its methods are read on every reading, so a test can
 * still replace one (`vi.spyOn(clock, 'now')`) after the breaker was built. Every reading is
 * checked where it is used, so a method that later turns into something else can only fail as a
 * clock that throws, or that reads no finite number, which the breaker takes in its stride.
 */
function resolveClock(value: unknown, check: Checker): Clock {
  if (value === undefined) return systemClock;
  const expected = 'an object with a now() method returning milliseconds';
  if (typeof value !== 'object' || value === null) throw check.fail('clock', value, expected);
  const { now, wallNow } = value as Record<keyof Clock, unknown>;
  if (typeof now !== 'function') throw check.fail('clock', value, expected);
  if (wallNow !== undefined && typeof wallNow !== 'function') {
    throw check.fail('clock.wallNow', wallNow, 'a method returning milliseconds, or absent');
  }
  return value as Clock;
}
