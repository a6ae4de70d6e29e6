import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { BreakerRegistry, type RegistryHealth } from '@tripswitch/core';
import {
  boundedHealth,
  checkedMaxNameLength,
  defaultMaxNameLength,
} from '@tripswitch/core/internal';
import { checkObject } from './module-options.ts';

/** Options of {@link CircuitsHealthIndicator.isHealthy}. */
export interface CircuitsHealthCheckOptions {
  /**
   * The longest breaker name the report shows, in UTF-16 code units: an integer from 32 to
   * 65_536. Names can come from request input (a key made of a path segment, up to some 16 KB),
   * and the report lists every breaker; a longer name is cut to its first units, `…` and 16
   * hexadecimal digits of the whole name, the label the metrics packages give it.
   * @defaultValue 120
   */
  maxNameLength?: number | undefined;
}

/** The `maxNameLength` of `options`, checked; the default without one. */
function maxNameLengthOf(options: unknown): number {
  const { maxNameLength = defaultMaxNameLength } = checkObject(options, 'isHealthy() options', [
    'maxNameLength',
  ]);
  return checkedMaxNameLength(maxNameLength);
}

/** What {@link CircuitsHealthIndicator.isHealthy} reports under its key. */
export interface CircuitsHealthDetails {
  /**
   * Every breaker of the application: name, state, rates, calls in the window, refusals. A name
   * longer than `maxNameLength` (120 UTF-16 code units by default) is cut to it: its first
   * units, `…`, then 16 hexadecimal digits computed from the whole name, so names that start
   * alike stay apart.
   */
  breakers: RegistryHealth['breakers'];
  /**
   * Calls served unguarded by a breaker the registry could not keep, because every breaker it
   * held was open, half-open, forced open or disabled (`maxBreakers`); 0 while it has room.
   */
  overflows: number;
}

/**
 * A `@nestjs/terminus` health indicator that reports every breaker of the application's
 * registry: `up` when every circuit is closed (or disabled), `down` when any is open, forced
 * open or half-open, with each breaker's state and rates and the registry's overflows
 * (`BreakerRegistry.health()`). Breaker names can come from request input, so one longer than
 * 120 UTF-16 code units is cut to 120 (see {@link CircuitsHealthDetails.breakers}), which keeps
 * the report small however long the keys are.
 *
 * Add it to the providers of the module that imports `TerminusModule`. Whether an open circuit
 * should fail a probe is yours to choose: a readiness check that reports it takes the instance
 * out of rotation while a dependency is down; a liveness check should not include it.
 *
 * @example
 * ```ts
 * import { Controller, Get, Module } from '@nestjs/common';
 * import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
 * import { CircuitsHealthIndicator } from '@tripswitch/nestjs/terminus';
 *
 * @Controller('health')
 * export class HealthController {
 *   constructor(
 *     private readonly health: HealthCheckService,
 *     private readonly circuits: CircuitsHealthIndicator,
 *   ) {}
 *
 *   @Get()
 *   @HealthCheck()
 *   check() {
 *     return this.health.check([() => this.circuits.isHealthy('circuits')]);
 *   }
 * }
 *
 * @Module({ imports: [TerminusModule], controllers: [HealthController], providers: [CircuitsHealthIndicator] })
 * export class HealthModule {}
 * ```
 */
@Injectable()
export class CircuitsHealthIndicator {
  readonly #registry: BreakerRegistry;
  readonly #indicators: HealthIndicatorService;

  constructor(
    @Inject(BreakerRegistry) registry: BreakerRegistry,
    @Inject(HealthIndicatorService) indicators: HealthIndicatorService,
  ) {
    this.#registry = registry;
    this.#indicators = indicators;
  }

  /**
   * The health of every breaker, under `key` in terminus's report.
   * @param key - the key in the report. @defaultValue `'circuits'`
   * @param options - `maxNameLength`: the longest breaker name reported, in UTF-16 code units, an
   * integer from 32 to 65_536 (default 120); a longer one is cut to its first units, `…` and 16
   * hexadecimal digits of the whole name.
   * @throws `InvalidOptionError` for an unknown option or a bad `maxNameLength`.
   */
  isHealthy<const Key extends string = 'circuits'>(
    key: Key = 'circuits' as Key,
    options?: CircuitsHealthCheckOptions,
  ): Record<
    Key,
    CircuitsHealthDetails & {
      /** `'up'` when every circuit is closed (or disabled), `'down'` when any is not. */
      status: 'up' | 'down';
    }
  > {
    const { status, breakers, overflows } = boundedHealth(
      this.#registry.health(),
      maxNameLengthOf(options),
    );
    const details = { breakers, overflows } satisfies CircuitsHealthDetails;
    const session = this.#indicators.check(key);
    return (status === 'ok' ? session.up(details) : session.down(details)) as Record<
      Key,
      CircuitsHealthDetails & { status: 'up' | 'down' }
    >;
  }
}
