import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BreakerRegistry } from '@tripswitch/core';
import { retireBreakers } from './retired-breakers.ts';

/**
 * @internal Lets go of the application's breakers when it closes. A `store` (a
 * `RedisBreakerStore`) usually outlives the application — built once where the root module is declared, shared by
 * every application of the process, as the tests of a suite build them — and holds each breaker
 * bound to it until the breaker is deleted: without this, a closed application's breakers would
 * go on following the fleet, and piling up in the store, for the life of the process. A provider
 * of `TripswitchModule`; the last hook Nest runs, so every `onModuleDestroy` may still call. Calls
 * that outlive the close keep the breakers they had, let go of the store (see retired-breakers.ts).
 */
@Injectable()
export class BreakerReleaser implements OnApplicationShutdown {
  readonly #registry: BreakerRegistry;

  constructor(@Inject(BreakerRegistry) registry: BreakerRegistry) {
    this.#registry = registry;
  }

  onApplicationShutdown(): void {
    retireBreakers(this.#registry);
  }
}
