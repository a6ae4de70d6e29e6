import type { HealthSource } from '@tripswitch/core/internal';

/** The parts of an Express application this module reads, in both Express 4 and 5. */
export interface AppLike {
  locals: object;
  parent?: unknown;
}

// Symbol.for: every copy of this package (ESM and CommonJS builds) finds the same entry.
const registriesKey = Symbol.for('tripswitch.express.registries');

/**
 * @internal Records on `app.locals` that `registry` holds breakers serving `app`, and on each
 * app it is mounted in, so a health handler on the outer app sees a sub-app's breakers. State
 * lives with the app, not in this module: two apps never see each other's breakers.
 */
export function registerOnApp(app: AppLike, registry: HealthSource): void {
  for (let current: unknown = app; isApp(current); current = current.parent) {
    const locals = current.locals as Record<symbol, unknown>;
    // Own property only: a mounted app's locals may inherit from its parent's.
    let registries = Object.hasOwn(locals, registriesKey) ? locals[registriesKey] : undefined;
    if (!(registries instanceof Set)) {
      registries = new Set<HealthSource>();
      locals[registriesKey] = registries;
    }
    (registries as Set<HealthSource>).add(registry);
  }
}

/** @internal The registries of the middlewares that have served `app` (or its sub-apps). */
export function registriesOf(app: AppLike): HealthSource[] {
  const locals = app.locals as Record<symbol, unknown>;
  const registries = Object.hasOwn(locals, registriesKey) ? locals[registriesKey] : undefined;
  return registries instanceof Set ? [...(registries as Set<HealthSource>)] : [];
}

function isApp(value: unknown): value is AppLike {
  return (
    typeof value === 'function' &&
    typeof (value as Partial<AppLike>).locals === 'object' &&
    (value as Partial<AppLike>).locals !== null
  );
}
