import { InvalidOptionError } from '../errors.ts';
import { type CircuitBreakerOptions, optionNameList } from '../options.ts';

// The breaker options an adapter passes on to the breakers it creates, in core's order: every
// option but those a registry sets itself (`name`, `fallback`, `store`) and those every adapter
// replaces with a rule of its own (`isFailure`, `isResultFailure`) or leaves to the framework or
// client (`timeoutMs`). Derived from core's list, so no adapter's check drifts from core.
const notPassedOn: ReadonlySet<string> = new Set<keyof CircuitBreakerOptions>([
  'name',
  'fallback',
  'store',
  'isFailure',
  'isResultFailure',
  'timeoutMs',
]);
const passedOnBreakerOptionNames = optionNameList.filter((name) => !notPassedOn.has(name));

// Every adapter builds its breakers through a registry, which binds each one to the store: a
// store given to the adapter would bind none. Refused alike by every adapter, with the way to do it.
const storeReason =
  'nothing here: give the store to a registry, and the registry to the adapter: registry: new BreakerRegistry({ store })';

/** @internal What {@link optionNamesChecker} accepts and refuses besides the breaker options. */
export interface AdapterOptionNames {
  /** The adapter's own options, accepted and listed before the breaker options. */
  readonly own: readonly string[];
  /**
   * Options refused with a reason of their own — what they would mean elsewhere and what to use
   * here instead — rather than as unknown. Checked first. `store` is always refused so, with the
   * way to share breakers through a store (a registry built with it).
   */
  readonly meaningless: Readonly<Record<string, string>>;
  /**
   * Own options the adapter takes out before the check (as `splitClientOptions` does): listed
   * first among the allowed ones, since a user gives them, but refused if they reach the check.
   */
  readonly takenOut?: readonly string[];
}

/**
 * @internal Makes the check of an adapter's option names: a meaningless option throws an
 * `InvalidOptionError` with its reason, an unknown one with `no such option; allowed: …`, listing
 * the adapter's own options, then the breaker options every adapter passes on (`window`, …,
 * `initialState`). `prefix` goes before the option's name in the error, such as
 * `config.breaker.` for a route's options in Fastify. One check, and one list of the breaker
 * options, for every server and client adapter, so that their errors read alike and none of them
 * drifts from core's options.
 *
 * @example
 * ```ts
 * const checkOptionNames = optionNamesChecker({ own: ['name', 'key'], meaningless: { timeoutMs: 'nothing here: …' } });
 * checkOptionNames(options); // throws InvalidOptionError naming the first bad option
 * ```
 */
export function optionNamesChecker({
  own,
  meaningless,
  takenOut = [],
}: AdapterOptionNames): (options: Readonly<Record<string, unknown>>, prefix?: string) => void {
  const accepted: ReadonlySet<string> = new Set([...own, ...passedOnBreakerOptionNames]);
  const expected = `no such option; allowed: ${[...takenOut, ...accepted].join(', ')}`;
  const reasons: Readonly<Record<string, string>> = { store: storeReason, ...meaningless };
  return (options, prefix = '') => {
    for (const option of Object.keys(options)) {
      const why = Object.hasOwn(reasons, option) ? reasons[option] : undefined;
      if (why !== undefined) throw new InvalidOptionError(prefix + option, options[option], why);
      if (!accepted.has(option)) {
        throw new InvalidOptionError(prefix + option, options[option], expected);
      }
    }
  };
}
