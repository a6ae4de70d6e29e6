import {
  BreakerRegistry,
  type BulkheadFullError,
  type CircuitOpenError,
  InvalidOptionError,
  type RegistryBreakerOptions,
  validateBreakerOptions,
} from '@tripswitch/core';
import type { RefusalProblemFunction } from '@tripswitch/core/http';
import {
  checkNameAndKey,
  checkRefusalProblem,
  checkRegistryAndMaxKeys,
  optionNamesChecker,
} from '@tripswitch/core/internal';
import type { NextFunction, Request, Response } from 'express';
import { checkedRequestKey } from './request-key.ts';

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
 * Answers a request the circuit refused, instead of the default 503. It may send a response
 * (a cached page, a 429), or call `next()` to let the request through unprotected, or
 * `next(error)` to hand the refusal to the error handlers. What it returns is ignored, except a
 * promise: if that rejects, the reason goes to `next`.
 */
export type RefusalHandler = (
  req: Request,
  res: Response,
  next: NextFunction,
  error: CircuitOpenError | BulkheadFullError,
) => unknown;

/**
 * Options of {@link breakerMiddleware}: breaker options, plus how requests map to breakers,
 * which responses are failures and what a refused request receives. One breaker, optionally
 * named ({@link NamedMiddlewareOptions}), or one per key ({@link KeyedMiddlewareOptions}): `name`
 * and `key` do not go together, since each per-key breaker is named by its key. Every option is
 * checked when the middleware is created; a bad one throws `InvalidOptionError` naming it.
 */
export type BreakerMiddlewareOptions = NamedMiddlewareOptions | KeyedMiddlewareOptions;

/** Options of a middleware with one breaker for every request it sees. */
export interface NamedMiddlewareOptions extends MiddlewareCommonOptions {
  /**
   * The name of the middleware's breaker, in errors, events, the 503 body and the health
   * report. Two middlewares with the same name and the same `registry` share one breaker.
   * @defaultValue `'express'`
   */
  name?: string;
  /** Not with `name`: see {@link KeyedMiddlewareOptions.key}. */
  key?: undefined;
  /** Only with `key`: see {@link KeyedMiddlewareOptions.maxKeys}. */
  maxKeys?: undefined;
}

/** Options of a middleware with one breaker per key: per route, tenant or host. */
export interface KeyedMiddlewareOptions extends MiddlewareCommonOptions {
  /**
   * Gives each request the key of its breaker; the key is the breaker's name. A `key` that
   * throws sends its error to `next`; a key that is not a non-empty string sends `next` an
   * `InvalidOptionError` naming `key` (a 500), without a breaker. `undefined` is such a key:
   * most often `req.params.x` read in a middleware mounted with `app.use()`, which runs before
   * any route matches, so `req.params` is empty. Key by `req.path` there, or mount the middleware on the route:
   * `app.get('/tenants/:tenant', breakerMiddleware({ key }), handler)`.
   */
  key: (req: Request) => string;
  /**
   * The most per-key breakers the middleware keeps (without `registry`, whose own
   * `maxBreakers` applies), so keys built from untrusted input (paths) cannot grow memory. When
   * a new key would exceed it, a closed breaker goes — healthy idle ones first, least recently
   * used first — and one that is open, half-open, forced open or disabled never does. When every
   * breaker is one of those, a request on a new key is served without a breaker and counted in
   * the health report's `overflows` (see `BreakerRegistry`'s `maxBreakers`).
   * @defaultValue 1000
   */
  maxKeys?: number;
  /** Not with `key`: each per-key breaker is named by its key. */
  name?: undefined;
}

/** The options of {@link breakerMiddleware} besides how requests map to breakers. */
export interface MiddlewareCommonOptions extends RouteBreakerOptions {
  /**
   * A registry to keep the breakers in, shared with other middlewares or HTTP clients or read
   * by {@link circuitsHealth}. The breaker options apply to breakers this middleware creates.
   * @defaultValue a registry of the middleware's own
   */
  registry?: BreakerRegistry;
  /**
   * Whether a request answered with `statusCode` failed. Called when the response has been sent;
   * if it throws, the request counts as a failure.
   * @defaultValue `statusCode >= 500`
   */
  isFailure?: (statusCode: number, req: Request) => boolean;
  /**
   * Answers refused requests instead of the default: 503, `Retry-After` in whole seconds and an
   * `application/problem+json` body (see `refusalResponse` in `@tripswitch/core/http`).
   * @defaultValue the 503 problem response
   */
  onOpen?: RefusalHandler;
  /**
   * Writes the body of the default 503 (not with `onOpen`, which answers by itself): given the
   * refusal and the problem document, which names no breaker, it returns the JSON body to send.
   * To name the breaker — the middleware's `name`, or the key of the request, which `key` may
   * build from more than the request shows:
   * `problem: (error, problem) => ({ ...problem, breaker: error.breakerName })`.
   * @defaultValue the problem document: status, `code`, `retryAfterMs` and a detail naming no breaker
   */
  problem?: RefusalProblemFunction;
}

/** @internal The options resolved and checked: what the middleware reads per request. */
export interface MiddlewareSettings {
  readonly registry: BreakerRegistry;
  readonly breakerOptions: RouteBreakerOptions;
  readonly name: string;
  readonly key: ((req: Request) => string) | undefined;
  readonly isFailure: (statusCode: number, req: Request) => boolean;
  readonly onOpen: RefusalHandler | undefined;
  readonly problem: RefusalProblemFunction | undefined;
  /** Whether a request may wait for a bulkhead slot (the options set `bulkhead.maxQueue` > 0). */
  readonly queues: boolean;
}

/** @internal The name of the breaker when none is given. */
export const defaultName = 'express';

const defaultIsFailure = (statusCode: number): boolean => statusCode >= 500;

// The options the middleware takes, its own then the breaker options it passes on; breaker
// options with a meaning the middleware cannot give them are refused with a reason.
const checkOptionNames = optionNamesChecker({
  own: ['name', 'key', 'maxKeys', 'registry', 'isFailure', 'onOpen', 'problem'],
  meaningless: {
    isResultFailure:
      'nothing here: a request is judged by its response status; use isFailure(statusCode, req)',
    timeoutMs:
      'nothing here: the middleware cannot abort a route handler; use slowCallDurationMs, or a timeout in the handler',
    fallback: 'nothing here: answer refused requests with onOpen(req, res, next, error)',
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
  const resolvedName = (name as string | undefined) ?? defaultName;
  // Checked now, so a bad breaker option fails at start-up, named as the user wrote it.
  validateBreakerOptions({ ...breakerOptions, name: resolvedName });
  const bulkhead = (breakerOptions as RouteBreakerOptions).bulkhead;
  return {
    registry:
      (registry as BreakerRegistry | undefined) ??
      new BreakerRegistry({ maxBreakers: (maxKeys as number | undefined) ?? 1000 }),
    breakerOptions: breakerOptions as RouteBreakerOptions,
    name: resolvedName,
    key: key === undefined ? undefined : checkedRequestKey(key as (req: Request) => string),
    isFailure: (isFailure as MiddlewareSettings['isFailure'] | undefined) ?? defaultIsFailure,
    onOpen: onOpen as RefusalHandler | undefined,
    problem: problem as RefusalProblemFunction | undefined,
    queues: (bulkhead?.maxQueue ?? 0) > 0,
  };
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(option, value, 'a function');
  }
}
