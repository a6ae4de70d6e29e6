import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BreakerRegistry } from '@tripswitch/core';

/**
 * @internal Lets go of the application's breakers when it closes. A `store` (`redisStore()`)
 * usually outlives the application — built once where the root module is declared, shared by
 * every application of the process, as the tests of a suite build them — and holds each breaker
 * bound to it until the breaker is deleted: without this, a closed application's breakers would
 * go on following the fleet, and piling up in the store, for the life of the process. A provider
 * of `TripswitchModule`; the last hook Nest runs, so every `onModuleDestroy` may still call.
 */
@Injectable()
export class BreakerReleaser implements OnApplicationShutdown {
  readonly #registry: BreakerRegistry;

  constructor(@Inject(BreakerRegistry) registry: BreakerRegistry) {
    this.#registry = registry;
  }

  onApplicationShutdown(): void {
    for (const breaker of this.#registry.list()) this.#registry.delete(breaker.name);
  }
}
