import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Clock } from '@tripswitch/core';
import { TripswitchModule } from '@tripswitch/nestjs';
import { CircuitsHealthIndicator } from '@tripswitch/nestjs/terminus';
import { demoBreakerOptions } from './breaker-options.ts';
import { HealthController } from './health-controller.ts';
import { ItemCache } from './item-cache.ts';
import { ItemsController } from './items-controller.ts';
import { ItemsService } from './items-service.ts';
import { createUpstreamGot, upstreamClientToken } from './upstream-client.ts';

/** What {@link DemoModule.forDemo} needs, already checked. */
export interface DemoModuleSettings {
  readonly upstreamUrl: string;
  readonly clock: Clock | undefined;
  readonly maxCachedItems: number;
  readonly upstreamTimeoutMs: number;
}

/** The demo's root module: the breakers, the items route and service, and the health check. */
@Module({})
export class DemoModule {
  /** The module, calling the upstream at `settings.upstreamUrl`. */
  static forDemo(settings: DemoModuleSettings): DynamicModule {
    return {
      module: DemoModule,
      imports: [
        TripswitchModule.forRoot(demoBreakerOptions(settings.clock)),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [ItemsController, HealthController],
      providers: [
        ItemsService,
        CircuitsHealthIndicator,
        {
          provide: upstreamClientToken,
          useValue: createUpstreamGot(settings.upstreamUrl, settings.upstreamTimeoutMs),
        },
        // A factory: every application built from the module gets a cache of its own.
        { provide: ItemCache, useFactory: () => new ItemCache<unknown>(settings.maxCachedItems) },
      ],
    };
  }
}
