import {
  type BreakerRegistry,
  type BulkheadFullError,
  type CircuitOpenError,
  InvalidOptionError,
  isInvalidOptionError,
  type RegistryBreakerOptions,
} from '@tripswitch/core';
import type { RefusalProblemFunction } from '@tripswitch/core/http';
import {
  checkNameAndKey,
  checkRefusalProblem,
  checkRegistryAndMaxKeys,
  optionNamesChecker,
} from '@tripswitch/core/internal';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The breaker options the plugin applies to the breakers it creates: those of a registry's
 * breakers, without `isFailure`, `isResultFailure` and `timeoutMs`. A request is judged by the
 * status it is answered with (see {@link BreakerRouteOptions.isFailure}), and the plugin cannot
 * abort a route handler: Fastify's own `handlerTimeout` can, and its 503 counts as a failure.
 */
export type RouteBreakerOptions = Omit<
  RegistryBreakerOptions,
  'isFailure' | 'isResultFailure' | 'timeoutMs'
>;

/**
 * Answers a request the circuit refused, instead of the default 503, as a route handler would:
 * return the payload to send (or a promise of it), or send it with `reply` and return `reply`.
 * Returning nothing leaves the answer to the default 503. A throw or a rejection goes to
 * Fastify's error handling; throwing the refusal itself gives the default 503.
 */
export type RefusalHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
  error: CircuitOpenError | BulkheadFullError,
) => unknown;

/**
 * The options a route may give itself with `config: { breaker: { … } }`: it then has a breaker
 * of its own, built from the plugin's options with these over them. One breaker, optionally named
 * ({@link NamedRouteOptions}), or one per key ({@link KeyedRouteOptions}): `name` and `key` do
 * not go together, since each per-key breaker is named by its key. Every option is checked when
 * the route is declared; a bad one throws `InvalidOptionError` naming it.
 */
export type BreakerRouteOptions = NamedRouteOptions | KeyedRouteOptions;

/** Options of one breaker for every request of the routes they apply to. */
export interface NamedRouteOptions extends RouteCommonOptions {
  /**
   * The name of the breaker, in errors, events, the 503 body and the health report. Routes and
   * registrations that name the same breaker in the same registry share it.
   * @defaultValue `'fastify'` for the plugin; for a route with options of its own, the route:
   * `'GET /orders/:id'` (a HEAD route shares its GET route's)
   */
  name?: string;
  /** Not with `name`: see {@link KeyedRouteOptions.key}. */
  key?: undefined;
}

/** Options of one breaker per key: per route, tenant or host. */
export interface KeyedRouteOptions extends RouteCommonOptions {
  /**
   * Gives each request the key of its breaker; the key is the breaker's name. `undefined` sends
   * the request around the breakers, unguarded and uncounted. A key that is not a non-empty
   * string, or a `key` that throws, goes to Fastify's error handler (a 500) without a breaker.
   */
  key: (request: FastifyRequest) => string | undefined;
  /** Not with `key`: each per-key breaker is named by its key. */
  name?: undefined;
}

/** The options of a route or a registration besides how requests map to breakers. */
export interface RouteCommonOptions extends RouteBreakerOptions {
  /**
   * Whether a request answered with `statusCode` failed. Called when the response has been sent;
   * if it throws, the request counts as a failure and the error is logged on `request.log`.
   * @defaultValue `statusCode >= 500`
   */
  isFailure?: (statusCode: number, request: FastifyRequest) => boolean;
  /**
   * Answers refused requests instead of the default: 503, `Retry-After` in whole seconds and an
   * `application/problem+json` body (see `refusalResponse` in `@tripswitch/core/http`).
   * @defaultValue the 503 problem response
   */
  onOpen?: RefusalHandler;
  /**
   * Writes the body of the 503s this route (or the plugin's routes) sends — for its own breaker's
   * refusals, and for a refusal thrown by an HTTP client's breaker downstream: given the refusal
   * and the problem document, which names no breaker, it returns the JSON body to send. The name
   * is left out because it is often internal: a per-key breaker is named by what `key` built, and
   * an HTTP client's by the origin it calls. To put it back:
   * `problem: (error, problem) => ({ ...problem, breaker: error.breakerName })`.
   * @defaultValue the problem document: status, `code`, `retryAfterMs` and a detail naming no breaker
   */
  problem?: RefusalProblemFunction;
}

/**
 * Options of {@link breakerPlugin}: a route's options ({@link BreakerRouteOptions}: breaker
 * options, how requests map to breakers, which responses are failures and what a refused request
 * receives), plus where the breakers are kept. Every option is checked when the plugin is
 * registered; a bad one fails the registration with `InvalidOptionError` naming it.
 */
export type BreakerPluginOptions = BreakerRouteOptions & PluginOwnOptions;

/** What {@link breakerPlugin} takes beyond a route's options. */
export interface PluginOwnOptions {
  /**
   * A registry to keep the breakers in, shared with HTTP clients or read by a health route. The
   * breaker options apply to breakers the plugin creates in it.
   * @defaultValue the registry of the registration in an enclosing scope, if there is one; else a
   * registry of the plugin's own
   */
  registry?: BreakerRegistry;
  /**
   * The most breakers the plugin's own registry keeps (a registry that comes from `registry` or
   * an enclosing registration has its own `maxBreakers`). When a new one would exceed it, the
   * least recently used idle breaker goes, so keys built from untrusted input (paths) cannot grow
   * memory.
   * @defaultValue 1000
   */
  maxKeys?: number;
}

/** @internal A registration's options, checked, with the registry it keeps its breakers in. */
export interface PluginSettings {
  readonly registry: BreakerRegistry;
  /** What a route without options of its own goes by. */
  readonly route: RouteSettings;
}

/** @internal One route's options, checked and resolved over its registration's. */
export interface RouteSettings {
  readonly breakerOptions: RouteBreakerOptions;
  readonly name: string | undefined;
  readonly key: ((request: FastifyRequest) => string | undefined) | undefined;
  readonly isFailure: ((statusCode: number, request: FastifyRequest) => boolean) | undefined;
  readonly onOpen: RefusalHandler | undefined;
  readonly problem: RefusalProblemFunction | undefined;
}

/** @internal The name of the breaker when none is given. */
export const defaultName = 'fastify';

// A route's options, its own then the breaker options it passes on, and a registration's, which
// add where the breakers are kept; breaker options with a meaning the plugin cannot give them are
// refused with a reason.
const meaningless: Readonly<Record<string, string>> = {
  isResultFailure:
    'nothing here: a request is judged by its response status; use isFailure(statusCode, request)',
  timeoutMs:
    "nothing here: the plugin cannot abort a route handler; use slowCallDurationMs, or Fastify's handlerTimeout",
  fallback: 'nothing here: answer refused requests with onOpen(request, reply, error)',
};
const routeOwnNames = ['name', 'key', 'isFailure', 'onOpen', 'problem'];
const checkRouteNames = optionNamesChecker({ own: routeOwnNames, meaningless });
const checkPluginNames = optionNamesChecker({
  own: [...routeOwnNames, 'registry', 'maxKeys'],
  meaningless,
});

/**
 * @internal Checks a registration's options. `inherited` is the registry of a registration in an
 * enclosing scope, used when no `registry` is given.
 */
export function checkPluginOptions(
  options: unknown,
  inherited: BreakerRegistry | undefined,
  createRegistry: (maxBreakers: number) => BreakerRegistry,
): PluginSettings {
  // What Fastify itself reads from the options of register(): meaningless here, but allowed.
  const { prefix, logLevel, logSerializers, ...o } = checkObject(
    'options',
    options,
    'an object of plugin and breaker options',
  );
  checkPluginNames(o);
  const { registry, maxKeys, ...rest } = o;
  checkRegistryAndMaxKeys(registry, maxKeys);
  if (maxKeys !== undefined) {
    if (inherited !== undefined) {
      throw new InvalidOptionError(
        'maxKeys',
        maxKeys,
        "nothing here: this scope shares the registry of an enclosing breakerPlugin registration, whose maxBreakers bounds it; pass a registry of this scope's own to bound it apart",
      );
    }
  }
  const route = checkRouteOptions(rest, 'options');
  return {
    registry:
      (registry as BreakerRegistry | undefined) ??
      inherited ??
      createRegistry((maxKeys as number | undefined) ?? 1000),
    route,
  };
}

/** @internal Checks what a route gives as `config.breaker` (an object: `false` is handled apart). */
export function checkRouteConfig(value: unknown): RouteSettings {
  const o = checkObject(
    'config.breaker',
    value,
    'false, or an object of breaker options (name, key, isFailure, onOpen, …)',
  );
  checkRouteNames(o, 'config.breaker.');
  return checkRouteOptions(o, 'config.breaker');
}

/**
 * @internal A route's settings over its registration's: the route's breaker options over the
 * plugin's; its own `name` or `key` replaces the plugin's; with neither, it is named after the
 * route, since options of its own need a breaker of its own.
 */
export function mergeRouteSettings(
  plugin: RouteSettings,
  route: RouteSettings,
  routeName: string,
): RouteSettings {
  const own = route.name !== undefined || route.key !== undefined;
  return {
    breakerOptions: { ...plugin.breakerOptions, ...route.breakerOptions },
    name: own ? route.name : routeName,
    key: own ? route.key : undefined,
    isFailure: route.isFailure ?? plugin.isFailure,
    onOpen: route.onOpen ?? plugin.onOpen,
    problem: route.problem ?? plugin.problem,
  };
}

function checkRouteOptions(o: Record<string, unknown>, path: string): RouteSettings {
  const { name, key, isFailure, onOpen, problem, ...breakerOptions } = o;
  checkNameAndKey(name, key, option(path, '')); // '' or 'config.breaker.'
  checkFunction(option(path, 'isFailure'), isFailure);
  checkFunction(option(path, 'onOpen'), onOpen);
  try {
    checkRefusalProblem(problem);
  } catch (error) {
    // Core names it `problem`; a route's is `config.breaker.problem`.
    if (!isInvalidOptionError(error)) throw error;
    throw new InvalidOptionError(option(path, 'problem'), problem, error.expected);
  }
  return {
    breakerOptions: breakerOptions as RouteBreakerOptions,
    name: name as string | undefined,
    key: key as RouteSettings['key'],
    isFailure: isFailure as RouteSettings['isFailure'],
    onOpen: onOpen as RefusalHandler | undefined,
    problem: problem as RefusalProblemFunction | undefined,
  };
}

// The plugin's own options are named as written; a route's under `config.breaker.`.
function option(path: string, name: string): string {
  return path === 'options' ? name : `${path}.${name}`;
}

function checkObject(name: string, value: unknown, expected: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(name, value, expected);
  }
  return value as Record<string, unknown>;
}

function checkFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(name, value, 'a function');
  }
}
