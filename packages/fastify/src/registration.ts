import {
  type BreakerRegistry,
  type CircuitBreaker,
  InvalidOptionError,
  isInvalidOptionError,
  validateBreakerOptions,
} from '@tripswitch/core';
import type { RefusalProblemFunction } from '@tripswitch/core/http';
import { checkedKey, keyedBreakers } from '@tripswitch/core/internal';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  checkRouteConfig,
  defaultName,
  mergeRouteSettings,
  type PluginSettings,
  type RefusalHandler,
  type RouteSettings,
} from './options.ts';

/** @internal How one route's requests are guarded: what the request hooks read. */
export interface Guard {
  /** The breaker a request goes through; `undefined` sends it around the breakers. */
  readonly breakerFor: (request: FastifyRequest) => CircuitBreaker | undefined;
  readonly isFailure: (statusCode: number, request: FastifyRequest) => boolean;
  readonly onOpen: RefusalHandler | undefined;
  /** Writes the body of the route's 503s; see `BreakerRouteOptions.problem`. */
  readonly problem: RefusalProblemFunction | undefined;
  /** Whether a request may wait for a bulkhead slot (`bulkhead.maxQueue` > 0). */
  readonly queues: boolean;
}

/** What a route's `config` holds, as Fastify hands it to hooks: the user's keys, its url and method. */
type RouteConfig = { breaker?: unknown; url?: string; method?: string | string[] };

// Symbol.for: a registration made by another copy of this package (the ESM and CommonJS builds)
// is found too, so nested registrations from both agree on which one is nearest.
const nearestKey = Symbol.for('tripswitch.fastify.registration');

const defaultIsFailure = (statusCode: number): boolean => statusCode >= 500;

/**
 * @internal One registration of the plugin: its options and registry, and the guard of each
 * route it protects. A route is protected by the nearest registration only — the one in its own
 * scope, else in the closest enclosing scope — so nested registrations never count a request
 * twice, and a scope's options replace its parent's for its routes.
 */
export class Registration {
  readonly registry: BreakerRegistry;
  readonly #plugin: RouteSettings;
  readonly #default: Guard;
  // Per route (Fastify's config object of the route): its guard, or null when not guarded here.
  readonly #guards = new WeakMap<object, Guard | null>();

  constructor(settings: PluginSettings) {
    this.registry = settings.registry;
    this.#plugin = settings.route;
    this.#default = this.#guard(settings.route, defaultName);
  }

  /** The registration nearest to routes declared on `instance`, if any. */
  static nearest(instance: FastifyInstance): Registration | undefined {
    const found = (instance as unknown as Record<symbol, unknown>)[nearestKey];
    return found instanceof Registration ? found : undefined;
  }

  /** Whether `instance` itself (not an enclosing scope) has a registration. */
  static isRegisteredOn(instance: FastifyInstance): boolean {
    return Object.hasOwn(instance, nearestKey);
  }

  /** Makes this the nearest registration for routes of `instance` and the scopes inside it. */
  attachTo(instance: FastifyInstance): void {
    (instance as unknown as Record<symbol, unknown>)[nearestKey] = this;
  }

  /**
   * The guard of the route `request` is for; `null` when this registration does not protect it:
   * no route matched (Fastify's 404), the route opted out, or a nearer registration protects it.
   * Worked out on a route's first request, then remembered.
   */
  guardOf(request: FastifyRequest): Guard | null {
    const config = request.routeOptions.config as RouteConfig;
    const known = this.#guards.get(config);
    if (known !== undefined) return known;
    const guard = this.#resolve(request.server, config);
    this.#guards.set(config, guard);
    return guard;
  }

  /**
   * What writes the body of a 503 for a refusal thrown by a breaker downstream while `request`
   * was handled: its route's `problem`, else the plugin's.
   */
  problemFor(request: FastifyRequest): RefusalProblemFunction | undefined {
    let guard: Guard | null = null;
    try {
      guard = this.guardOf(request);
    } catch {
      // A route's bad config.breaker (declared before the plugin) fails its own requests already.
    }
    return guard?.problem ?? this.#plugin.problem;
  }

  /**
   * Checks the `config.breaker` of a route declared where this registration is nearest, so a bad
   * option fails when the route is declared, and creates its breaker, so a health report lists it
   * before its first request.
   */
  checkRoute(
    instance: FastifyInstance,
    config: RouteConfig,
    method: string | string[],
    url: string,
  ): void {
    if (Registration.nearest(instance) !== this) return;
    const own = config.breaker;
    if (own !== undefined && own !== false) this.#routeGuard(own, method, url);
  }

  #resolve(server: FastifyInstance, config: RouteConfig): Guard | null {
    // Fastify's 404 handler: no route matched, so there is nothing of the service's to protect.
    if (config.url === undefined || config.method === undefined) return null;
    if (Registration.nearest(server) !== this) return null;
    const own = config.breaker;
    if (own === undefined) return this.#default;
    if (own === false) return null;
    return this.#routeGuard(own, config.method, config.url);
  }

  #routeGuard(own: unknown, method: string | string[], url: string): Guard {
    const name = routeName(method, url);
    try {
      return this.#guard(mergeRouteSettings(this.#plugin, checkRouteConfig(own), name), name);
    } catch (error) {
      if (!isInvalidOptionError(error) || error.option.startsWith('config.breaker')) throw error;
      // A breaker option the core rejected: name it where the user wrote it.
      throw new InvalidOptionError(
        `config.breaker.${error.option}`,
        error.value,
        error.expected,
        name,
        {
          cause: error,
        },
      );
    }
  }

  #guard(settings: RouteSettings, fallbackName: string): Guard {
    const { breakerOptions, key } = settings;
    const name = settings.name ?? fallbackName;
    // Checked now, so a bad breaker option fails at start-up, named with its circuit.
    validateBreakerOptions({ ...breakerOptions, name });
    const breakerFor = keyedBreakers({ registry: this.registry, breaker: breakerOptions });
    let pick: Guard['breakerFor'];
    if (key === undefined) {
      // Created now, so the registry (and a health report) holds it before the first request.
      breakerFor(name);
      pick = () => breakerFor(name);
    } else {
      const keyOf = checkedKey(key);
      pick = (request) => {
        const value = keyOf(request);
        return value === undefined ? undefined : breakerFor(value);
      };
    }
    return {
      breakerFor: pick,
      isFailure: settings.isFailure ?? defaultIsFailure,
      onOpen: settings.onOpen,
      problem: settings.problem,
      queues: (breakerOptions.bulkhead?.maxQueue ?? 0) > 0,
    };
  }
}

/**
 * The default name of a route's own breaker: its method and URL. HEAD answers like GET (Fastify
 * adds a HEAD route for every GET), so the two share a breaker.
 */
function routeName(method: string | string[], url: string): string {
  const methods = (Array.isArray(method) ? method : [method]).map((m) =>
    m === 'HEAD' ? 'GET' : m,
  );
  return `${[...new Set(methods)].join(',')} ${url}`;
}
