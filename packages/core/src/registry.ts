import type { BreakerStats } from './circuit-breaker.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { InvalidOptionError } from './errors.ts';
import { type BreakerEventName, type BreakerListener, checkEventName } from './events.ts';
import { type CircuitBreakerOptions, checkBreakerOptions } from './options.ts';
import type { CircuitState } from './snapshot.ts';
import type { BreakerStore } from './store.ts';

/** Options a registry applies to its breakers: everything but the name and the fallback. */
export type RegistryBreakerOptions = Omit<CircuitBreakerOptions, 'name' | 'fallback' | 'store'>;

/** Options of a {@link BreakerRegistry}. */
export interface BreakerRegistryOptions {
  /** Options every breaker of the registry starts from. */
  defaults?: RegistryBreakerOptions;
  /**
   * Options per breaker name, merged over `defaults` (a key replaces the default's whole value,
   * so `window` and `bulkhead` are not merged field by field). Typically loaded from a JSON or
   * YAML configuration file; checked when the registry is built.
   */
  breakers?: Readonly<Record<string, RegistryBreakerOptions>>;
  /**
   * The most breakers the registry holds. When a new one would exceed it, the least recently
   * used breaker goes, preferring closed breakers with no call in flight, so breakers keyed by
   * untrusted input (paths, hosts) cannot grow memory without bound.
   * @defaultValue 1000
   */
  maxBreakers?: number;
  /**
   * Shares every breaker's state with the breakers of the same name in other processes (see
   * `@tripswitch/redis`).
   * @defaultValue none
   */
  store?: BreakerStore;
}

/** The health of every breaker in a registry, as {@link BreakerRegistry.health} reports it. */
export interface RegistryHealth {
  /** `'ok'` when every breaker is closed (or disabled); `'degraded'` when any is not. */
  status: 'ok' | 'degraded';
  breakers: Array<{
    name: string;
    state: CircuitState;
    failureRate: number;
    slowCallRate: number;
    calls: number;
    rejected: number;
  }>;
}

interface Subscription {
  readonly event: BreakerEventName;
  readonly listener: BreakerListener<BreakerEventName>;
  readonly offs: Map<CircuitBreaker<unknown>, () => void>;
}

/**
 * Named breakers, created on first use from shared defaults and per-name options, with events,
 * stats and health across all of them.
 *
 * @example
 * ```ts
 * const registry = new BreakerRegistry({
 *   defaults: { failureRateThreshold: 50, timeoutMs: 5_000 },
 *   breakers: { payments: { openDurationMs: 60_000 } },
 * });
 * registry.on('stateChange', ({ name, to }) => log.warn(`circuit ${name} is ${to}`));
 *
 * const charge = await registry.get('payments').execute((signal) => payments.charge(order, { signal }));
 * ```
 */
export class BreakerRegistry {
  readonly #defaults: RegistryBreakerOptions;
  readonly #perName: Readonly<Record<string, RegistryBreakerOptions>>;
  readonly #maxBreakers: number;
  readonly #store: BreakerStore | undefined;
  /** The name at the end of the least-recently-used order. */
  #mostRecent: string | undefined;
  // Kept in least-recently-used order: get() moves a breaker to the end.
  readonly #breakers = new Map<string, CircuitBreaker<unknown>>();
  readonly #subscriptions = new Set<Subscription>();

  constructor(options: BreakerRegistryOptions = {}) {
    if (!isPlainObject(options)) {
      throw new InvalidOptionError(
        'options',
        options,
        'an object { defaults?, breakers?, maxBreakers?, store? }',
      );
    }
    const {
      defaults = {},
      breakers = {},
      maxBreakers = 1000,
      store,
      ...rest
    } = options as BreakerRegistryOptions;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) {
      throw new InvalidOptionError(
        unknown,
        (rest as Record<string, unknown>)[unknown],
        'no such registry option; allowed: defaults, breakers, maxBreakers, store',
      );
    }
    if (!Number.isInteger(maxBreakers) || maxBreakers < 1) {
      throw new InvalidOptionError('maxBreakers', maxBreakers, 'an integer >= 1');
    }
    if (!isPlainObject(breakers)) {
      throw new InvalidOptionError('breakers', breakers, 'an object of options per breaker name');
    }
    if (store !== undefined) checkBreakerOptions({ store });
    // Check the configuration now, so a typo fails at start-up rather than on first use.
    checkSection('defaults', defaults, () => defaults);
    for (const [name, perName] of Object.entries(breakers)) {
      checkSection(`breakers.${name}`, perName, () => ({ ...defaults, ...perName, name }));
    }
    this.#defaults = defaults;
    this.#perName = breakers;
    this.#maxBreakers = maxBreakers;
    this.#store = store;
  }

  /** How many breakers the registry holds. */
  get size(): number {
    return this.#breakers.size;
  }

  /**
   * The breaker named `name`, created on first use from the registry's defaults, the options
   * configured for that name, and `options` (in that order of precedence, last wins). Options
   * given for a breaker that already exists are not applied.
   */
  get<TFallback = never>(
    name: string,
    options?: CircuitBreakerOptions<TFallback>,
  ): CircuitBreaker<TFallback> {
    const existing = this.#breakers.get(name);
    if (existing !== undefined) {
      // Moving a breaker to the end is what keeps the order; skip it when it is there already
      // (every request of a one-breaker middleware).
      if (name !== this.#mostRecent) {
        this.#breakers.delete(name);
        this.#breakers.set(name, existing);
        this.#mostRecent = name;
      }
      return existing as CircuitBreaker<TFallback>;
    }
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidOptionError('name', name, 'a non-empty string');
    }
    if (options?.name !== undefined && options.name !== name) {
      throw new InvalidOptionError('name', options.name, `the registry name "${name}" or nothing`);
    }
    const breaker = new CircuitBreaker<TFallback>({
      ...this.#defaults,
      ...(Object.hasOwn(this.#perName, name) ? this.#perName[name] : undefined),
      ...options,
      name,
      ...(this.#store === undefined ? {} : { store: this.#store }),
    } as CircuitBreakerOptions<TFallback>);
    if (this.#breakers.size >= this.#maxBreakers) this.#evictOne();
    this.#breakers.set(name, breaker as CircuitBreaker<unknown>);
    this.#mostRecent = name;
    for (const subscription of this.#subscriptions)
      this.#subscribe(subscription, breaker as CircuitBreaker<unknown>);
    return breaker;
  }

  /** Whether a breaker named `name` exists. */
  has(name: string): boolean {
    return this.#breakers.has(name);
  }

  /** Removes the breaker named `name`; returns whether there was one. */
  delete(name: string): boolean {
    const breaker = this.#breakers.get(name);
    if (breaker === undefined) return false;
    this.#breakers.delete(name);
    if (this.#mostRecent === name) this.#mostRecent = undefined;
    breaker.dispose();
    for (const subscription of this.#subscriptions) {
      subscription.offs.get(breaker)?.();
      subscription.offs.delete(breaker);
    }
    return true;
  }

  /** Every breaker in the registry. */
  list(): CircuitBreaker<unknown>[] {
    return [...this.#breakers.values()];
  }

  /** The stats of every breaker. */
  stats(): BreakerStats[] {
    return this.list().map((breaker) => breaker.stats());
  }

  /** Whether every circuit is closed, with each breaker's state and rates. */
  health(): RegistryHealth {
    let status: RegistryHealth['status'] = 'ok';
    const breakers = this.stats().map(
      ({ name, state, failureRate, slowCallRate, calls, totals }) => {
        if (state !== 'closed' && state !== 'disabled') status = 'degraded';
        return { name, state, failureRate, slowCallRate, calls, rejected: totals.rejected };
      },
    );
    return { status, breakers };
  }

  /**
   * Subscribes to an event of every breaker in the registry, including those created later;
   * returns the function that unsubscribes. The payload's `name` tells the breakers apart.
   */
  on<K extends BreakerEventName>(event: K, listener: BreakerListener<K>): () => void {
    checkEventName(event);
    if (typeof listener !== 'function') {
      throw new TypeError(
        `The listener of breaker event "${event}" must be a function; got ${typeof listener}`,
      );
    }
    const subscription: Subscription = {
      event,
      listener: listener as BreakerListener<BreakerEventName>,
      offs: new Map(),
    };
    this.#subscriptions.add(subscription);
    for (const breaker of this.#breakers.values()) this.#subscribe(subscription, breaker);
    return () => {
      this.#subscriptions.delete(subscription);
      for (const off of subscription.offs.values()) off();
      subscription.offs.clear();
    };
  }

  /** Forces the named circuit open; returns whether the breaker exists. */
  isolate(name: string): boolean {
    const breaker = this.#breakers.get(name);
    breaker?.isolate();
    return breaker !== undefined;
  }

  /** Closes the named circuit with an empty window; returns whether the breaker exists. */
  reset(name: string): boolean {
    const breaker = this.#breakers.get(name);
    breaker?.reset();
    return breaker !== undefined;
  }

  /** Closes every circuit in the registry. */
  resetAll(): void {
    for (const breaker of this.#breakers.values()) breaker.reset();
  }

  #subscribe(subscription: Subscription, breaker: CircuitBreaker<unknown>): void {
    subscription.offs.set(breaker, breaker.on(subscription.event, subscription.listener));
  }

  /** Drops the least recently used breaker, preferring a closed idle one, then any idle one. */
  #evictOne(): void {
    let idle: string | undefined;
    let victim: string | undefined;
    for (const [name, breaker] of this.#breakers) {
      if (breaker.inFlight === 0) {
        if (breaker.state === 'closed') {
          victim = name;
          break;
        }
        idle ??= name;
      }
    }
    victim ??= idle ?? (this.#breakers.keys().next().value as string);
    this.delete(victim);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one section of a registry configuration, naming options by their path in it
 * (`breakers.payments.timeoutMs`), as a user reading a configuration file would look for them.
 */
function checkSection(
  path: string,
  section: unknown,
  merged: () => CircuitBreakerOptions<unknown>,
): void {
  if (!isPlainObject(section)) {
    throw new InvalidOptionError(path, section, 'an object of breaker options');
  }
  for (const key of ['name', 'fallback']) {
    if (key in section) {
      throw new InvalidOptionError(
        `${path}.${key}`,
        section[key],
        'nothing here: a breaker gets its name from the registry, and a fallback from get()',
      );
    }
  }
  checkBreakerOptions(merged(), `${path}.`);
}

/**
 * Whether `value` is a {@link BreakerRegistry}, from this or another copy of the package (the ESM
 * and CommonJS builds are two copies, so `instanceof` can say no to a registry an adapter was
 * given): it has the registry's methods.
 */
export function isBreakerRegistry(value: unknown): value is BreakerRegistry {
  const candidate = value as Partial<BreakerRegistry> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.get === 'function' &&
    typeof candidate.has === 'function' &&
    typeof candidate.list === 'function' &&
    typeof candidate.stats === 'function' &&
    typeof candidate.health === 'function' &&
    typeof candidate.on === 'function'
  );
}
