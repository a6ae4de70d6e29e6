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
   * The most breakers the registry holds, so breakers keyed by untrusted input (paths, hosts)
   * cannot grow memory without bound. When a new one would exceed it, a closed breaker goes:
   * first one with no call in flight and no failure or slow call in its window, then one with
   * calls in flight, then one whose window holds failures — the least recently used of each
   * kind first. A breaker that is open, half-open, forced open or disabled is never evicted.
   * When every breaker is one of those, a breaker for a new name is built for the caller but
   * not kept: its calls are served, unguarded, and counted in {@link BreakerRegistry.overflows}.
   * A breaker whose name is configured in `breakers` is never evicted either, whatever its
   * state: it is a dependency the application knows, and code that holds it (`get()` once at
   * start-up, an injected breaker) must go on seeing the registry's breaker; it counts toward
   * the bound.
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
  /**
   * Breakers built for a new name and not kept, since the registry was built, because every
   * breaker it held was open, half-open, forced open or disabled (see `maxBreakers`).
   */
  overflows: number;
  /** Every breaker the registry holds, in the order they were created. */
  breakers: Array<{
    /** The breaker's name. */
    name: string;
    /** Its state. */
    state: CircuitState;
    /** The percentage of failed calls in its window, 0–100. */
    failureRate: number;
    /** The percentage of slow calls in its window, 0–100. */
    slowCallRate: number;
    /** The calls its window holds. */
    calls: number;
    /** The calls it refused since it was built. */
    rejected: number;
  }>;
}

interface Subscription {
  readonly event: BreakerEventName;
  readonly listener: BreakerListener<BreakerEventName>;
  readonly offs: Map<CircuitBreaker<unknown>, () => void>;
}

/** A breaker the registry holds, and the eviction order it is in. */
interface Entry {
  readonly name: string;
  readonly breaker: CircuitBreaker<unknown>;
  /** The order the entry is in: unsorted, one of the ranks, pinned, or configured. */
  order: Map<string, Entry>;
}

// The ranks of closed breakers, in the order they are evicted. The evidence of an outage (failures
// and slow calls in a window) is worth more than the calls in flight, whose outcomes an evicted
// breaker still records but no longer shows: a flood of requests held open must not erase it.
const quiet = 0; // no call in flight, nothing in the window but successes
const busy = 1; // calls in flight, nothing in the window but successes
const evidence = 2; // failures or slow calls in the window, no call in flight
const busyEvidence = 3; // both
const pinned = 4; // open, half-open, forced open or disabled: never evicted
// How many pinned entries a new name looks at again when nothing else may go (see #evictOne).
const pinnedRechecks = 2;

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
  // The configuration as read and checked when the registry was built: copies, so that what
  // later breakers are built from is what was checked, however the objects given answer later.
  readonly #defaults: RegistryBreakerOptions;
  readonly #perName: ReadonlyMap<string, RegistryBreakerOptions>;
  readonly #maxBreakers: number;
  readonly #store: BreakerStore | undefined;
  /** Every breaker held, in the order they were created (what list(), stats() and health() show). */
  readonly #entries = new Map<string, Entry>();
  /**
   * The eviction orders. Each entry is in exactly one. A breaker used (or reset through the
   * registry) since it was last looked at is `#unsorted`, least recently used first; eviction
   * sorts those into the ranks only when it needs room, so get() on an existing name stays a
   * lookup and a move, and each entry is looked at a bounded number of times per use: O(1)
   * amortised per new name.
   */
  readonly #unsorted = new Map<string, Entry>();
  /** The breakers of the names configured in `breakers` or kept: never evicted, never reordered. */
  readonly #configured = new Map<string, Entry>();
  // Indexed by rank; nothing stays in the quiet one (a quiet entry is evicted when found).
  readonly #ranks: ReadonlyArray<Map<string, Entry>> = [
    new Map(),
    new Map(),
    new Map(),
    new Map(),
    new Map(),
  ];
  /** The entry at the end of `#unsorted`, whose get() needs no reordering. */
  #mostRecent: Entry | undefined;
  #overflows = 0;
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
    const checkedDefaults = checkedSection('defaults', defaults, (section) => section);
    const perName = new Map<string, RegistryBreakerOptions>();
    for (const [name, options] of Object.entries(breakers)) {
      perName.set(
        name,
        checkedSection(`breakers.${name}`, options, (section) => ({
          ...checkedDefaults,
          ...section,
          name,
        })),
      );
    }
    this.#defaults = checkedDefaults;
    this.#perName = perName;
    this.#maxBreakers = maxBreakers;
    this.#store = store;
  }

  /** How many breakers the registry holds. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * How many breakers were built for a new name and not kept, since the registry was built,
   * because every breaker it held was open, half-open, forced open or disabled (see
   * `maxBreakers`). Their calls were served unguarded: nothing refused them, and nothing
   * recorded them but this count.
   */
  get overflows(): number {
    return this.#overflows;
  }

  /**
   * The breaker named `name`, created on first use from the registry's defaults, the options
   * configured for that name, and `options` (in that order of precedence, last wins). Options
   * given for a breaker that already exists are not applied.
   *
   * When the registry holds `maxBreakers` breakers and none of them may be evicted (each is
   * open, half-open, forced open or disabled), the breaker for a new name is built but not
   * kept, so its calls are served but not guarded; {@link overflows} counts them.
   */
  get<TFallback = never>(
    name: string,
    options?: CircuitBreakerOptions<TFallback>,
  ): CircuitBreaker<TFallback> {
    const recent = this.#mostRecent;
    // Every request of a one-breaker middleware takes this path: no map is touched.
    if (recent !== undefined && recent.name === name) {
      return recent.breaker as CircuitBreaker<TFallback>;
    }
    const existing = this.#entries.get(name);
    if (existing !== undefined) {
      if (existing.order !== this.#configured) this.#moveTo(existing, this.#unsorted);
      this.#mostRecent = existing;
      return existing.breaker as CircuitBreaker<TFallback>;
    }
    return this.#create(name, options, false);
  }

  /**
   * The breaker named `name`, as {@link get} gives it, kept for as long as the registry lives:
   * never evicted, whatever its state, as a name configured in `breakers` is. For a dependency
   * the application's code names at run time — a breaker it holds on to, such as one injected by
   * a framework — so that the code never calls through a breaker the registry has let go of,
   * and {@link health} goes on reporting it. Never keep a key that comes from input: kept names
   * are not bounded by `maxBreakers`. They count toward it, and one is kept even when the
   * registry is full of breakers that may not go.
   *
   * @example
   * ```ts
   * // Held for the life of the client, whatever floods of keyed breakers share the registry.
   * const inventory = registry.keep('inventory');
   * ```
   */
  keep<TFallback = never>(
    name: string,
    options?: CircuitBreakerOptions<TFallback>,
  ): CircuitBreaker<TFallback> {
    const existing = this.#entries.get(name);
    if (existing === undefined) return this.#create(name, options, true);
    if (existing.order !== this.#configured) this.#moveTo(existing, this.#configured);
    return existing.breaker as CircuitBreaker<TFallback>;
  }

  /** Builds the breaker for a name the registry does not hold, kept or in the eviction order. */
  #create<TFallback>(
    name: string,
    options: CircuitBreakerOptions<TFallback> | undefined,
    keep: boolean,
  ): CircuitBreaker<TFallback> {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidOptionError('name', name, 'a non-empty string');
    }
    // Read once, into a copy whose name is checked and whose options are used.
    const given: CircuitBreakerOptions<TFallback> | undefined =
      options === undefined ? undefined : { ...options };
    if (given?.name !== undefined && given.name !== name) {
      throw new InvalidOptionError('name', given.name, `the registry name "${name}" or nothing`);
    }
    const configured = this.#perName.get(name);
    const merged = {
      ...this.#defaults,
      ...configured,
      ...given,
      name,
    } as CircuitBreakerOptions<TFallback>;
    if (this.#entries.size >= this.#maxBreakers) {
      // Checked before a breaker is evicted for it: a call with bad options must cost nothing.
      // (The defaults and the configured options were checked when the registry was built.)
      if (options !== undefined) checkBreakerOptions(merged as CircuitBreakerOptions<unknown>);
      if (!this.#evictOne() && !keep) {
        // Nothing may go: serve the call rather than refuse it, with a breaker nobody keeps. It
        // shares no state through the store, which would otherwise hold on to it.
        const { store: _shared, ...local } = merged;
        const unkept = new CircuitBreaker<TFallback>(local);
        this.#overflows++;
        return unkept;
      }
    }
    const breaker = new CircuitBreaker<TFallback>(
      this.#store === undefined ? merged : { ...merged, store: this.#store },
    ) as CircuitBreaker<unknown>;
    const order = configured !== undefined || keep ? this.#configured : this.#unsorted;
    const entry: Entry = { name, breaker, order };
    this.#entries.set(name, entry);
    order.set(name, entry);
    this.#mostRecent = entry;
    for (const subscription of this.#subscriptions) this.#subscribe(subscription, breaker);
    return breaker as CircuitBreaker<TFallback>;
  }

  /** Whether a breaker named `name` exists. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Removes the breaker named `name`; returns whether there was one. */
  delete(name: string): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    this.#entries.delete(name);
    entry.order.delete(name);
    if (this.#mostRecent === entry) this.#mostRecent = undefined;
    const { breaker } = entry;
    breaker.dispose();
    for (const subscription of this.#subscriptions) {
      subscription.offs.get(breaker)?.();
      subscription.offs.delete(breaker);
    }
    return true;
  }

  /** Every breaker in the registry, in the order they were created. */
  list(): CircuitBreaker<unknown>[] {
    return Array.from(this.#entries.values(), (entry) => entry.breaker);
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
    return { status, overflows: this.#overflows, breakers };
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
    for (const entry of this.#entries.values()) this.#subscribe(subscription, entry.breaker);
    return () => {
      this.#subscriptions.delete(subscription);
      for (const off of subscription.offs.values()) off();
      subscription.offs.clear();
    };
  }

  /** Forces the named circuit open; returns whether the breaker exists. */
  isolate(name: string): boolean {
    const breaker = this.#entries.get(name)?.breaker;
    breaker?.isolate();
    return breaker !== undefined;
  }

  /** Closes the named circuit with an empty window; returns whether the breaker exists. */
  reset(name: string): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    entry.breaker.reset();
    this.#rerank(entry);
    return true;
  }

  /** Closes every circuit in the registry. */
  resetAll(): void {
    for (const entry of this.#entries.values()) {
      entry.breaker.reset();
      this.#rerank(entry);
    }
  }

  #subscribe(subscription: Subscription, breaker: CircuitBreaker<unknown>): void {
    subscription.offs.set(breaker, breaker.on(subscription.event, subscription.listener));
  }

  /** Sends an entry whose breaker changed to be ranked again (at the end: the next to look at). */
  #rerank(entry: Entry): void {
    if (entry.order !== this.#unsorted && entry.order !== this.#configured) {
      this.#moveTo(entry, this.#unsorted);
    }
  }

  /** Moves an entry to the end of `order`. */
  #moveTo(entry: Entry, order: Map<string, Entry>): void {
    entry.order.delete(entry.name);
    order.set(entry.name, entry);
    entry.order = order;
    // Only get() makes an entry the most recent: one moved elsewhere must be moved back by it.
    if (this.#mostRecent === entry) this.#mostRecent = undefined;
  }

  /**
   * Evicts the closed breaker that is worth least (see the ranks); returns false when every
   * breaker is pinned. Entries used since they were last looked at are ranked first, least
   * recently used first, until a quiet one turns up. Then each rank is taken from its front; an
   * entry whose breaker has changed since it was ranked moves on to the rank it has now, and is
   * evicted when that rank is no later than the one being emptied. An entry only ever moves to a
   * later rank here, so each entry is looked at a few times per use (a get() sends it back to
   * `#unsorted`): O(1) amortised per new name, whatever the breakers hold.
   *
   * The registry does not listen to its breakers (a listener would cost as much memory as the
   * rest of an entry), so a pinned breaker that closes unseen — its trials succeeded, it was
   * reset directly, the fleet closed it — stays ranked pinned until its next get(). So that such
   * a breaker is not kept out of the order for long, each call that finds nothing else looks
   * again at the two pinned entries it has looked at least recently: it finds it within
   * `maxBreakers / 2` new names.
   */
  #evictOne(): boolean {
    for (const entry of this.#unsorted.values()) {
      const rank = rankOf(entry.breaker);
      if (rank === quiet) return this.delete(entry.name);
      this.#moveTo(entry, this.#ranks[rank] as Map<string, Entry>);
    }
    for (let rank = busy; rank < pinned; rank++) {
      const order = this.#ranks[rank] as Map<string, Entry>;
      for (const entry of order.values()) {
        const now = rankOf(entry.breaker);
        if (now <= rank) return this.delete(entry.name);
        this.#moveTo(entry, this.#ranks[now] as Map<string, Entry>);
      }
    }
    const pinnedOrder = this.#ranks[pinned] as Map<string, Entry>;
    let looks = pinnedRechecks;
    for (const entry of pinnedOrder.values()) {
      // Every other order is empty: a breaker that has closed is the best there is.
      if (rankOf(entry.breaker) !== pinned) return this.delete(entry.name);
      this.#moveTo(entry, pinnedOrder);
      if (--looks === 0) break;
    }
    return false;
  }
}

/** Where a breaker stands in the eviction order, as its state and window say now. */
function rankOf(breaker: CircuitBreaker<unknown>): number {
  if (breaker.state !== 'closed') return pinned;
  let hasEvidence: boolean;
  try {
    const { failures, slowCalls } = breaker.stats();
    hasEvidence = failures > 0 || slowCalls > 0;
  } catch {
    // stats() reads the breaker's clock, which is user code: when in doubt, keep the evidence.
    hasEvidence = true;
  }
  const inFlight = breaker.inFlight > 0;
  return hasEvidence ? (inFlight ? busyEvidence : evidence) : inFlight ? busy : quiet;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one section of a registry configuration, naming options by their path in it
 * (`breakers.payments.timeoutMs`), as a user reading a configuration file would look for them;
 * `merged` gives the options a breaker of the section is built from. Returns the section as read
 * and checked: a copy, each option read once, since a getter or a proxy may answer differently
 * the next time.
 */
function checkedSection(
  path: string,
  section: unknown,
  merged: (section: RegistryBreakerOptions) => CircuitBreakerOptions<unknown>,
): RegistryBreakerOptions {
  if (!isPlainObject(section)) {
    throw new InvalidOptionError(path, section, 'an object of breaker options');
  }
  const copy: Record<string, unknown> = { ...section };
  for (const key of ['name', 'fallback']) {
    if (key in copy) {
      throw new InvalidOptionError(
        `${path}.${key}`,
        copy[key],
        'nothing here: a breaker gets its name from the registry, and a fallback from get()',
      );
    }
  }
  checkBreakerOptions(merged(copy), `${path}.`);
  return copy;
}

/**
 * Whether `value` is a {@link BreakerRegistry}, from this or another copy of the package (the ESM
 * and CommonJS builds are two copies, so `instanceof` can say no to a registry an adapter was
 * given): it has every method an adapter, a health endpoint or the dashboard calls. Every
 * Tripswitch package recognises a registry it is given with it. A value whose properties throw
 * when read is no registry.
 */
export function isBreakerRegistry(value: unknown): value is BreakerRegistry {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const candidate = value as Partial<Record<keyof BreakerRegistry, unknown>>;
    return registryMethods.every((method) => typeof candidate[method] === 'function');
  } catch {
    return false;
  }
}

const registryMethods = [
  'get',
  'has',
  'list',
  'stats',
  'health',
  'on',
  'isolate',
  'reset',
] as const satisfies readonly (keyof BreakerRegistry)[];
