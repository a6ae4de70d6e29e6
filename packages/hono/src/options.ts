import {
  BreakerRegistry,
  type BulkheadFullError,
  type CircuitBreaker,
  type CircuitOpenError,
  InvalidOptionError,
  type RegistryBreakerOptions,
} from '@tripswitch/core';
import type { RefusalProblemFunction } from '@tripswitch/core/http';
import {
  checkedKey,
  checkNameAndKey,
  checkRefusalProblem,
  checkRegistryAndMaxKeys,
  keyedBreakers,
  optionNamesChecker,
} from '@tripswitch/core/internal';
import type { Context } from 'hono';

/**
 * The breaker options the middleware applies to the breakers it creates: those of a registry's
 * breakers, without `isFailure`, `isResultFailure` and `timeoutMs`. A request is judged by the
 * status it is answered with (see {@link BreakerMiddlewareOptions.isFailure}), and the middleware
 * cannot abort a route handler, so a timeout has no meaning here.
 */
export type RouteBreakerOptions = Omit<
  RegistryBreakerOptions,
  'isFailure' | 'isResultFailure' | 'timeoutMs'
>;

/**
 * Answers a refused request instead of the default 503: a cached page, a 429, a redirect. Called
 * for the middleware's own refusals (the handler has not run) and for a refusal a handler threw
 * (a breaker downstream; `error.breakerName` tells which). It returns the response (or a promise
 * of it); what it throws goes to `app.onError`.
 */
export type RefusalHandler = (
  c: Context,
  error: CircuitOpenError | BulkheadFullError,
) => Response | Promise<Response>;

/**
 * Options of {@link breakerMiddleware}: breaker options, plus how requests map to breakers,
 * which responses are failures and what a refused request receives. Every option is checked
 * when the middleware is created; a bad one throws `InvalidOptionError` naming it.
 */
export interface BreakerMiddlewareOptions extends RouteBreakerOptions {
  /**
   * The name of the middleware's breaker, in errors, events, the 503 body and the health
   * report. Not allowed with `key`, where each breaker is named by its key. Two middlewares
   * with the same name and the same `registry` share one breaker.
   * @defaultValue `'hono'`
   */
  name?: string;
  /**
   * Gives each request the key of its breaker, for one breaker per route, tenant or host; the
   * key is the breaker's name. `undefined` sends the request around the breaker, neither
   * guarded nor counted. A key that is not a non-empty string, or a `key` that throws, goes to
   * `app.onError` (a 500) without a breaker.
   * @defaultValue one breaker for every request the middleware sees
   */
  key?: (c: Context) => string | undefined;
  /**
   * The most per-key breakers the middleware keeps (only with `key`, and without `registry`,
   * whose own `maxBreakers` applies), so keys built from untrusted input (paths) cannot grow
   * memory. When a new key would exceed it, a closed breaker goes — healthy idle ones first — and
   * one that is open, half-open, forced open or disabled never does. When every breaker is one of
   * those, a request on a new key is served without a breaker and counted in the health report's
   * `overflows` (see `BreakerRegistry`'s `maxBreakers`).
   * @defaultValue 1000
   */
  maxKeys?: number;
  /**
   * A registry to keep the breakers in, shared with other middlewares or HTTP clients, or read
   * by {@link circuitsHealth}. The breaker options apply to breakers this middleware creates.
   * @defaultValue a registry of the middleware's own
   */
  registry?: BreakerRegistry;
  /**
   * Whether a request answered with `status` failed. Called when the handlers behind the
   * middleware are done; if it throws, the request counts as a failure.
   * @defaultValue `status >= 500`
   */
  isFailure?: (status: number, c: Context) => boolean;
  /**
   * Answers refused requests — the middleware's own, and refusals thrown downstream — instead of
   * the default: 503, `Retry-After` in whole seconds and an `application/problem+json` body (see
   * `refusalResponse` in `@tripswitch/core/http`).
   * @defaultValue the 503 problem response
   */
  onOpen?: RefusalHandler;
  /**
   * Writes the body of the default 503 (not with `onOpen`, which answers by itself) — for the
   * middleware's own refusals and for those thrown downstream: given the refusal and the problem
   * document, which names no breaker, it returns the JSON body to send. The name is left out
   * because it is often internal: a per-key breaker is named by what `key` built, an HTTP
   * client's by the origin it calls. To put it back:
   * `problem: (error, problem) => ({ ...problem, breaker: error.breakerName })`.
   * @defaultValue the problem document: status, `code`, `retryAfterMs` and a detail naming no breaker
   */
  problem?: RefusalProblemFunction;
}

/** @internal The options resolved and checked: what the middleware reads per request. */
export interface MiddlewareSettings {
  /** Where the breakers live; reported by `circuitsHealth()` when it has no registry of its own. */
  readonly registry: BreakerRegistry;
  /** The breaker of a key (or of the middleware's name), created on first use. */
  readonly breakerFor: (key: string) => CircuitBreaker;
  readonly name: string;
  readonly key: ((c: Context) => string | undefined) | undefined;
  readonly isFailure: (status: number, c: Context) => boolean;
  readonly onOpen: RefusalHandler | undefined;
  readonly problem: RefusalProblemFunction | undefined;
  /** Whether a request may wait for a bulkhead slot (the options set `bulkhead.maxQueue` > 0). */
  readonly queues: boolean;
}

/** @internal The name of the breaker when none is given. */
export const defaultName = 'hono';

const defaultIsFailure = (status: number): boolean => status >= 500;

// The options the middleware takes, its own then the breaker options it passes on; breaker
// options with a meaning the middleware cannot give them are refused with a reason.
const checkOptionNames = optionNamesChecker({
  own: ['name', 'key', 'maxKeys', 'registry', 'isFailure', 'onOpen', 'problem'],
  meaningless: {
    isResultFailure:
      'nothing here: a request is judged by its response status; use isFailure(status, c)',
    timeoutMs:
      'nothing here: the middleware cannot abort a route handler; use slowCallDurationMs, or a timeout in the handler',
    fallback: 'nothing here: answer refused requests with onOpen(c, error)',
  },
});

/** @internal Applies the defaults to `options` and checks every one of them. */
export function resolveMiddlewareOptions(options: unknown = {}): MiddlewareSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an object of middleware and breaker options');
  }
  const o = options as Record<string, unknown>;
  checkOptionNames(o);
  const { name, key, maxKeys, registry, isFailure, onOpen, problem, ...breakerOptions } = o;
  checkNameAndKey(name, key);
  checkFunction('isFailure', isFailure);
  checkFunction('onOpen', onOpen);
  checkRefusalProblem(problem);
  if (problem !== undefined && onOpen !== undefined) {
    throw new InvalidOptionError(
      'problem',
      problem,
      'nothing alongside onOpen, which answers refused requests itself',
    );
  }
  checkRegistryAndMaxKeys(registry, maxKeys, { key });
  const route = breakerOptions as RouteBreakerOptions;
  // The middleware keeps the registry itself (the health handler reports it), and takes its
  // breakers through core's keyed mechanism, which checks the breaker options now.
  const resolvedRegistry =
    (registry as BreakerRegistry | undefined) ??
    new BreakerRegistry({ maxBreakers: (maxKeys as number | undefined) ?? 1000 });
  const breakerFor = keyedBreakers({ registry: resolvedRegistry, breaker: route });
  return {
    registry: resolvedRegistry,
    breakerFor,
    name: (name as string | undefined) ?? defaultName,
    key: key === undefined ? undefined : checkedKey(key as (c: Context) => string | undefined),
    isFailure: (isFailure as MiddlewareSettings['isFailure'] | undefined) ?? defaultIsFailure,
    onOpen: onOpen as RefusalHandler | undefined,
    problem: problem as RefusalProblemFunction | undefined,
    queues: (route.bulkhead?.maxQueue ?? 0) > 0,
  };
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(option, value, 'a function');
  }
}
