import { Inject } from '@nestjs/common';
import { BreakerRegistry, InvalidOptionError } from '@tripswitch/core';
import type { MethodBreakerOptions } from './method-options.ts';
import { breakerFor, isRetired } from './retired-breakers.ts';

/** @internal What the application needs to know of one decorated method at start-up. */
export interface BreakerPlan {
  /** The breaker's name. */
  readonly name: string;
  /** The class that declares the method, for messages. */
  readonly className: string;
  /** `ClassName.methodName`, for messages. */
  readonly label: string;
  readonly breakerOptions: MethodBreakerOptions | undefined;
  readonly fallback: unknown;
}

/*
 * How a decorated method finds its application's registry, without global state.
 *
 * The decorator declares a property injection on the class, the way `@Inject()` on a property
 * does: Nest's injector then assigns the application's `BreakerRegistry` to that property of
 * every instance it creates (providers and controllers alike, in every scope), right after the
 * constructor. The property is an accessor on the prototype, so the assignment is also the
 * moment the instance's breakers are created: they appear in health reports from the start,
 * and a bad option or a misspelt fallback fails the application's start rather than its first
 * call. Each application injects its own registry into its own instances, so two applications
 * in one process never share a breaker.
 *
 * Nest injects nothing into an instance it did not create (`useValue`, `useFactory`), so the
 * module also gives the registry to those when the application initialises (see
 * attach-registry.ts), before any module's `onModuleInit` but its own and other global ones, and
 * to those a request-scoped or transient factory builds later (see factory-instances.ts).
 */
const injectedKey = Symbol(
  'the BreakerRegistry of TripswitchModule.forRoot(), for @CircuitBreaker()',
);
// Beside the instance rather than on it: an instance from useValue may be frozen.
const registries = new WeakMap<object, BreakerRegistry>();
const plansKey = Symbol('tripswitch.plans');

type Holder = Record<PropertyKey, unknown>;

/**
 * @internal Records a decorated method of the class whose prototype is `prototype`, and, for
 * the first one, declares the injection of the registry.
 */
export function registerPlan(prototype: object, plan: BreakerPlan): void {
  const holder = prototype as Holder;
  if (!Object.hasOwn(prototype, plansKey)) {
    Object.defineProperty(prototype, plansKey, { value: [] });
  }
  (holder[plansKey] as BreakerPlan[]).push(plan);
  // A base class with decorated methods has declared it already: Nest reads the injections of
  // a class together with those of its ancestors.
  if (injectedKey in prototype) return;
  Object.defineProperty(prototype, injectedKey, {
    configurable: true,
    get(this: Holder): unknown {
      return registries.get(this);
    },
    set(this: Holder, registry: BreakerRegistry) {
      registries.set(this, registry);
      createBreakers(this, registry);
    },
  });
  (Inject(BreakerRegistry) as PropertyDecorator)(prototype, injectedKey);
}

/**
 * @internal Gives `registry` to an instance with decorated methods that has none yet, or only
 * that of an application that has closed: one Nest did not create, such as an instance a test
 * file provides with `useValue` to the application of each of its tests in turn, which must not
 * go on calling through the first one's breakers. Anything else is left alone.
 */
export function attachRegistry(instance: unknown, registry: BreakerRegistry): void {
  if (typeof instance !== 'object' || instance === null || !(injectedKey in instance)) return;
  const current = registries.get(instance);
  if (current === undefined || (current !== registry && isRetired(current))) {
    (instance as Holder)[injectedKey] = registry;
  }
}

/**
 * @internal The registry Nest injected into `instance`.
 * @throws when the instance was not created by Nest in an application that imports
 * `TripswitchModule`.
 */
export function registryOf(instance: unknown, label: string): BreakerRegistry {
  const registry =
    (typeof instance === 'object' || typeof instance === 'function') && instance !== null
      ? registries.get(instance)
      : undefined;
  if (registry !== undefined) return registry;
  throw new Error(
    `@CircuitBreaker() on ${label} has no breaker registry: call the method on a provider or ` +
      'controller of an application that imports TripswitchModule.forRoot(), once the ' +
      'application has been created (an instance from useValue or useFactory gets the ' +
      `registry when the application initialises); this is ${instance === undefined ? 'undefined: was the method detached from its instance?' : 'not such an instance'}`,
  );
}

function createBreakers(instance: Holder, registry: BreakerRegistry): void {
  for (
    let prototype: unknown = Object.getPrototypeOf(instance);
    typeof prototype === 'object' && prototype !== null;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    if (!Object.hasOwn(prototype, plansKey)) continue;
    for (const plan of (prototype as Holder)[plansKey] as BreakerPlan[]) {
      breakerFor(registry, plan.name, plan.breakerOptions);
      const { fallback } = plan;
      if (typeof fallback === 'string' && typeof instance[fallback] !== 'function') {
        throw new InvalidOptionError(
          'fallback',
          fallback,
          `the name of a method of ${plan.className}`,
          plan.name,
        );
      }
    }
  }
}
