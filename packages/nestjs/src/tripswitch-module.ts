import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { BreakerRegistry, type BreakerRegistryOptions } from '@tripswitch/core';
import { RegistryAttacher } from './attach-registry.ts';
import { BreakerRefusalFilter } from './breaker-refusal-filter.ts';
import { BreakerRefusalInterceptor } from './breaker-refusal-interceptor.ts';
import { breakerToken } from './inject-breaker.ts';
import {
  checkFactoryResult,
  checkNames,
  resolveAsyncModuleOptions,
  resolveModuleOptions,
  type TripswitchModuleAsyncOptions,
  type TripswitchModuleOptions,
} from './module-options.ts';
import { type RefusalSettings, refusalSettingsToken } from './refusal-settings.ts';
import { BreakerReleaser } from './release-breakers.ts';

const registryOptionsToken = Symbol('tripswitch.registry-options');

/**
 * The module that gives an application its breakers. Import it once, in the root module, with
 * {@link TripswitchModule.forRoot} or {@link TripswitchModule.forRootAsync}; it is global. It
 * provides:
 *
 * - the application's `BreakerRegistry` (inject it by its class): its breakers, their stats,
 *   events and health. Each application gets its own, even two built from one root module;
 * - the registry `@CircuitBreaker()` methods use;
 * - unless `filter: false`, {@link BreakerRefusalFilter} as a global filter, whose 503 names no
 *   breaker unless `problem` puts the name in, and {@link BreakerRefusalInterceptor} as a global
 *   interceptor, which makes an HTTP request's refusal a `BreakerRefusalException` (an
 *   `HttpException` with status 503) and puts `Retry-After` on the response, so a catch-all
 *   filter of your own answers it with 503 too;
 * - when the application closes, the release of its breakers, so a `store` that outlives the
 *   application lets go of them.
 *
 * @example
 * ```ts
 * import { Module } from '@nestjs/common';
 * import { TripswitchModule } from '@tripswitch/nestjs';
 *
 * @Module({
 *   imports: [
 *     TripswitchModule.forRoot({
 *       defaults: { failureRateThreshold: 50, slowCallDurationMs: 2_000 },
 *       breakers: { payments: { openDurationMs: 60_000 } },
 *     }),
 *   ],
 *   providers: [PaymentsService],
 *   controllers: [OrdersController],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class TripswitchModule {
  /**
   * The module, with the registry built from `options`: `defaults` for every breaker,
   * `breakers` with options per name (merged over the defaults by the core's registry) and
   * `maxBreakers`. The registry checks them when the application starts.
   *
   * @throws `InvalidOptionError` for an unknown option, a `filter` that is not a boolean or a
   * `problem` that is not a function.
   */
  static forRoot(options?: TripswitchModuleOptions): DynamicModule {
    const { rest, filter, problem } = resolveModuleOptions(options);
    return rootModule([{ provide: registryOptionsToken, useValue: rest }], [], { filter, problem });
  }

  /**
   * The module, with the registry's options from a factory, typically reading `ConfigService`.
   *
   * @throws `InvalidOptionError` for an unknown option, a missing `useFactory`, or a `filter`
   * that is not a boolean.
   *
   * @example
   * ```ts
   * TripswitchModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({
   *     defaults: { failureRateThreshold: config.get('BREAKER_FAILURE_RATE', 50) },
   *     breakers: config.get('breakers', {}),
   *   }),
   * });
   * ```
   */
  static forRootAsync(options: TripswitchModuleAsyncOptions): DynamicModule {
    const { rest, filter, problem } = resolveAsyncModuleOptions(options);
    const useFactory = rest.useFactory as (
      ...providers: unknown[]
    ) => BreakerRegistryOptions | PromiseLike<BreakerRegistryOptions>;
    return rootModule(
      [
        {
          provide: registryOptionsToken,
          useFactory: async (...providers: unknown[]) =>
            checkFactoryResult(await useFactory(...providers)),
          inject: rest.inject ?? [],
        },
      ],
      rest.imports ?? [],
      { filter, problem },
    );
  }

  /**
   * Makes the breakers of `names` injectable with `@InjectBreaker(name)` in the importing
   * module. They are created at start-up from the application's registry, with the options
   * configured for their names (Nest needs its providers before any configuration is read,
   * hence the names here).
   *
   * @throws `InvalidOptionError` when `names` is not an array of non-empty strings.
   *
   * @example
   * ```ts
   * @Module({ imports: [TripswitchModule.forFeature(['inventory'])], providers: [InventoryClient] })
   * export class InventoryModule {}
   * ```
   */
  static forFeature(names: readonly string[]): DynamicModule {
    const providers = checkNames(names).map(breakerProvider);
    return {
      module: TripswitchModule,
      providers,
      exports: providers.map((provider) => provider.provide),
    };
  }
}

function rootModule(
  options: Provider[],
  imports: NonNullable<DynamicModule['imports']>,
  { filter, problem }: { filter: boolean; problem: RefusalSettings['problem'] },
): DynamicModule {
  const refusal: RefusalSettings = { problem };
  return {
    module: TripswitchModule,
    global: true,
    imports,
    providers: [
      ...options,
      // A factory rather than a value: every application built from the module gets its own.
      {
        provide: BreakerRegistry,
        useFactory: (registryOptions: BreakerRegistryOptions) =>
          new BreakerRegistry(registryOptions),
        inject: [registryOptionsToken],
      },
      RegistryAttacher,
      BreakerReleaser,
      { provide: refusalSettingsToken, useValue: refusal },
      ...(filter
        ? [
            { provide: APP_FILTER, useClass: BreakerRefusalFilter },
            { provide: APP_INTERCEPTOR, useClass: BreakerRefusalInterceptor },
          ]
        : []),
    ],
    // The settings too: a filter applied with @UseFilters is built where it is used.
    exports: [BreakerRegistry, refusalSettingsToken],
  };
}

function breakerProvider(name: string): {
  provide: string;
  useFactory: (registry: BreakerRegistry) => unknown;
  inject: [typeof BreakerRegistry];
} {
  return {
    provide: breakerToken(name),
    // Kept: the consumer holds this breaker for the life of the application, so the registry
    // must never evict it for the keys of other breakers.
    useFactory: (registry: BreakerRegistry) => registry.keep(name),
    inject: [BreakerRegistry],
  };
}
