import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { type BreakerRegistryOptions, InvalidOptionError } from '@tripswitch/core';

/**
 * Options of `TripswitchModule.forRoot()`: those of the application's `BreakerRegistry`
 * (checked by it when the application starts), and whether to install the refusal filter.
 */
export interface TripswitchModuleOptions extends BreakerRegistryOptions {
  /**
   * Installs {@link BreakerRefusalFilter} as a global filter, so a refused call that no fallback
   * caught reaches an HTTP client as 503 with `Retry-After`. Set `false` to answer refusals
   * yourself, or to apply the filter only where you choose (`@UseFilters`).
   * @defaultValue true
   */
  filter?: boolean;
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
  /** Returns the registry's options (or a promise of them): `{ defaults, breakers, maxBreakers }`. */
  useFactory: (
    ...providers: never[]
  ) => BreakerRegistryOptions | PromiseLike<BreakerRegistryOptions>;
  /**
   * Installs {@link BreakerRefusalFilter} as a global filter. Given here rather than by the
   * factory, because Nest needs to know its providers before it runs any factory.
   * @defaultValue true
   */
  filter?: boolean;
}

/** @internal */
export interface ModuleSettings<T> {
  readonly rest: T;
  readonly filter: boolean;
}

/** @internal Checks the module's own options; the registry checks its own when it is built. */
export function resolveModuleOptions(options: unknown): ModuleSettings<BreakerRegistryOptions> {
  const o = checkObject(options, 'forRoot() options', [
    'defaults',
    'breakers',
    'maxBreakers',
    'filter',
  ]);
  const { filter, ...rest } = o;
  return { rest: rest as BreakerRegistryOptions, filter: checkFilter(filter) };
}

/** @internal */
export function resolveAsyncModuleOptions(
  options: unknown,
): ModuleSettings<Omit<TripswitchModuleAsyncOptions, 'filter'>> {
  const o = checkObject(options, 'forRootAsync() options', [
    'imports',
    'inject',
    'useFactory',
    'filter',
  ]);
  const { filter, ...rest } = o;
  if (typeof rest.useFactory !== 'function') {
    throw new InvalidOptionError(
      'useFactory',
      rest.useFactory,
      'a function that returns the registry options { defaults, breakers, maxBreakers }',
    );
  }
  for (const key of ['imports', 'inject'] as const) {
    if (rest[key] !== undefined && !Array.isArray(rest[key])) {
      throw new InvalidOptionError(key, rest[key], 'an array');
    }
  }
  return {
    rest: rest as unknown as Omit<TripswitchModuleAsyncOptions, 'filter'>,
    filter: checkFilter(filter),
  };
}

/** @internal Checks what a `forRootAsync()` factory returned. */
export function checkFactoryResult(value: unknown): BreakerRegistryOptions {
  if (typeof value === 'object' && value !== null && 'filter' in value) {
    throw new InvalidOptionError(
      'filter',
      (value as { filter: unknown }).filter,
      'nothing here: filter is an option of forRootAsync() itself, beside useFactory',
    );
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

function checkObject(
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
