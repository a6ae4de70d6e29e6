import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { type BreakerRegistryOptions, InvalidOptionError } from '@tripswitch/core';
import type { RefusalProblemFunction } from '@tripswitch/core/http';
import { checkRefusalProblem } from '@tripswitch/core/internal';

/**
 * Options of `TripswitchModule.forRoot()`: those of the application's `BreakerRegistry`
 * (checked by it when the application starts), and whether to install the refusal filter.
 */
export interface TripswitchModuleOptions extends BreakerRegistryOptions {
  /**
   * Installs {@link BreakerRefusalFilter} as a global filter and {@link BreakerRefusalInterceptor}
   * as a global interceptor, so a refused call that no fallback caught reaches an HTTP client as
   * 503 with `Retry-After` — also through a catch-all filter of your own, which answers the
   * `BreakerRefusalException` the interceptor makes of it. Set `false` to answer refusals
   * yourself, or to apply either only where you choose (`@UseFilters`, `@UseInterceptors`).
   * @defaultValue true
   */
  filter?: boolean;
  /**
   * Writes the body of the filter's 503: given the refusal and the problem document, which names
   * no breaker, it returns the JSON body to send. A breaker's name is internal — a refusal from
   * an HTTP client's breaker names the origin it calls — so the default leaves it out; to put it
   * back: `problem: (error, problem) => ({ ...problem, breaker: error.breakerName })`.
   * @defaultValue the problem document: status, `code`, `retryAfterMs` and a detail naming no breaker
   */
  problem?: RefusalProblemFunction;
}

/**
 * Options of `TripswitchModule.forRootAsync()`: the registry's options come from a factory
 * that Nest calls with the providers in `inject`, typically `ConfigService`.
 */
export interface TripswitchModuleAsyncOptions {
  /** Modules whose exported providers the factory needs, such as `ConfigModule`. */
  imports?: ModuleMetadata['imports'];
  /** The providers passed to `useFactory`, in order. */
  inject?: FactoryProvider['inject'];
  /**
   * Returns the registry's options (or a promise of them): `{ defaults, breakers, maxBreakers,
   * store }`, `{}` for none. One that returns nothing fails the application's start with an
   * `InvalidOptionError`, as a lost `return` would otherwise drop the configuration unseen.
   */
  useFactory: (
    ...providers: never[]
  ) => BreakerRegistryOptions | PromiseLike<BreakerRegistryOptions>;
  /**
   * Installs {@link BreakerRefusalFilter} and {@link BreakerRefusalInterceptor} globally (see
   * {@link TripswitchModuleOptions.filter}). Given here rather than by the factory, because Nest
   * needs to know its providers before it runs any factory.
   * @defaultValue true
   */
  filter?: boolean;
  /**
   * Writes the body of the filter's 503 (see {@link TripswitchModuleOptions.problem}). Given
   * here rather than by the factory, beside `filter`.
   * @defaultValue the problem document, naming no breaker
   */
  problem?: RefusalProblemFunction;
}

/** @internal */
export interface ModuleSettings<T> {
  readonly rest: T;
  readonly filter: boolean;
  readonly problem: RefusalProblemFunction | undefined;
}

/** @internal Checks the module's own options; the registry checks its own when it is built. */
export function resolveModuleOptions(options: unknown): ModuleSettings<BreakerRegistryOptions> {
  const o = checkObject(options, 'forRoot() options', [
    'defaults',
    'breakers',
    'maxBreakers',
    'filter',
    'problem',
    'store',
  ]);
  const { filter, problem, ...rest } = o;
  return {
    rest: rest as BreakerRegistryOptions,
    filter: checkFilter(filter),
    problem: checkRefusalProblem(problem),
  };
}

/** @internal */
export function resolveAsyncModuleOptions(
  options: unknown,
): ModuleSettings<Omit<TripswitchModuleAsyncOptions, 'filter' | 'problem'>> {
  const o = checkObject(options, 'forRootAsync() options', [
    'imports',
    'inject',
    'useFactory',
    'filter',
    'problem',
  ]);
  const { filter, problem, ...rest } = o;
  if (typeof rest.useFactory !== 'function') {
    throw new InvalidOptionError(
      'useFactory',
      rest.useFactory,
      'a function that returns the registry options { defaults, breakers, maxBreakers, store }',
    );
  }
  for (const key of ['imports', 'inject'] as const) {
    if (rest[key] !== undefined && !Array.isArray(rest[key])) {
      throw new InvalidOptionError(key, rest[key], 'an array');
    }
  }
  return {
    rest: rest as unknown as Omit<TripswitchModuleAsyncOptions, 'filter' | 'problem'>,
    filter: checkFilter(filter),
    problem: checkRefusalProblem(problem),
  };
}

/** @internal Checks what a `forRootAsync()` factory returned. */
export function checkFactoryResult(value: unknown): BreakerRegistryOptions {
  // The registry takes no options as its defaults; from a factory, nothing is far more often a
  // block body that lost its `return`, which would drop the whole configuration unseen.
  if (value === undefined) {
    throw new InvalidOptionError(
      'useFactory',
      value,
      'a function that returns the registry options { defaults, breakers, maxBreakers, store } ({} for none); it returned nothing',
    );
  }
  for (const key of ['filter', 'problem']) {
    // Own keys only: what the factory wrote. An array inherits `filter`, and is the registry's
    // to reject as no options object.
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, key)) {
      throw new InvalidOptionError(
        key,
        (value as Record<string, unknown>)[key],
        `nothing here: ${key} is an option of forRootAsync() itself, beside useFactory`,
      );
    }
  }
  return value as BreakerRegistryOptions;
}

/** @internal Checks the names given to `forFeature()`. */
export function checkNames(names: unknown): readonly string[] {
  if (!Array.isArray(names)) {
    throw new InvalidOptionError('names', names, 'an array of breaker names');
  }
  for (const name of names) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidOptionError('names', name, 'non-empty strings');
    }
  }
  return names as string[];
}

/**
 * @internal `options` as an object whose keys are all `allowed` (`{}` for undefined); throws
 * `InvalidOptionError` for anything else, naming `what` the options are of.
 */
export function checkObject(
  options: unknown,
  what: string,
  allowed: readonly string[],
): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, `an object of ${what}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidOptionError(
        key,
        (options as Record<string, unknown>)[key],
        `no such option; allowed: ${allowed.join(', ')}`,
      );
    }
  }
  return options as Record<string, unknown>;
}

function checkFilter(filter: unknown): boolean {
  if (filter === undefined) return true;
  if (typeof filter !== 'boolean') throw new InvalidOptionError('filter', filter, 'true or false');
  return filter;
}
