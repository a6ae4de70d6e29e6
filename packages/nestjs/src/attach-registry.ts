import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { BreakerRegistry } from '@tripswitch/core';
import { attachToInstancesOf, type ProviderWrapper } from './factory-instances.ts';

/**
 * @internal Gives the application's registry to the providers and controllers with decorated
 * methods that Nest did not construct (`useValue`, `useFactory`), so no property was injected
 * into them — also those a request-scoped or transient factory builds later. A provider of
 * `TripswitchModule`, which is global: Nest runs the `onModuleInit` of global modules first, so
 * the registry is there before other modules' hooks call the methods.
 */
@Injectable()
export class RegistryAttacher implements OnModuleInit {
  readonly #modules: ModulesContainer;
  readonly #registry: BreakerRegistry;

  constructor(
    @Inject(ModulesContainer) modules: ModulesContainer,
    @Inject(BreakerRegistry) registry: BreakerRegistry,
  ) {
    this.#modules = modules;
    this.#registry = registry;
  }

  onModuleInit(): void {
    for (const module of this.#modules.values()) {
      for (const wrapper of [...module.providers.values(), ...module.controllers.values()]) {
        attachToInstancesOf(wrapper as ProviderWrapper, this.#registry);
      }
    }
  }
}
