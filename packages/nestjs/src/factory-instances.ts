import type { BreakerRegistry } from '@tripswitch/core';
import { isThenable } from '@tripswitch/core/internal';
import { copyMethodIdentity } from './copy-method-identity.ts';
import { attachRegistry } from './instance-registry.ts';

/**
 * @internal The part of Nest's `InstanceWrapper` (a provider or controller of a module) read
 * here; structural, as Nest does not export the class from its entry point.
 */
export interface ProviderWrapper {
  readonly instance: unknown;
  readonly isAlias?: boolean;
  readonly isFactory?: boolean;
  readonly isTransient?: boolean;
  metatype: unknown;
  isDependencyTreeStatic?(): boolean;
  getStaticTransientInstances?(): ReadonlyArray<{ readonly instance: unknown } | undefined>;
}

// Wrappers whose factory already attaches: onModuleInit may meet one again (two registries
// never share a wrapper, as every application has a container of its own).
const wrapped = new WeakSet<object>();

/**
 * @internal Gives `registry` to every instance of `wrapper` that Nest did not construct, now and
 * later: the one built at start-up (`useValue`, `useFactory`), those a transient factory built
 * for each consumer, and — since Nest injects no property into what a factory returns — those a
 * request-scoped or transient factory builds after the start, per request or per consumer. Its
 * factory is wrapped for them, so they do not throw "no breaker registry" on every call.
 */
export function attachToInstancesOf(wrapper: ProviderWrapper, registry: BreakerRegistry): void {
  attachRegistry(wrapper.instance, registry);
  for (const host of wrapper.getStaticTransientInstances?.() ?? []) {
    attachRegistry(host?.instance, registry);
  }
  const factory = wrapper.metatype;
  if (
    wrapper.isFactory !== true ||
    wrapper.isAlias === true ||
    typeof factory !== 'function' ||
    wrapped.has(wrapper)
  ) {
    return;
  }
  // A static factory has run for good; only one that builds again later needs wrapping.
  const buildsAgain = wrapper.isTransient === true || wrapper.isDependencyTreeStatic?.() === false;
  if (!buildsAgain) return;
  wrapped.add(wrapper);
  const attaching = function (this: unknown, ...dependencies: unknown[]): unknown {
    const built: unknown = factory.apply(this, dependencies);
    if (!isThenable(built)) return withRegistry(built, registry);
    return Promise.resolve(built).then((instance) => withRegistry(instance, registry));
  };
  // Its name and any metadata kept on it, for whatever else reads the wrapper's metatype.
  copyMethodIdentity(factory as (...args: never) => unknown, attaching);
  wrapper.metatype = attaching;
}

function withRegistry(instance: unknown, registry: BreakerRegistry): unknown {
  attachRegistry(instance, registry);
  return instance;
}
