import type { HealthSource } from '@tripswitch/core/internal';

interface SourceRef {
  deref(): HealthSource | undefined;
}

// A Hono context carries no reference to its app, so the registries a health handler without
// one reports are those of every middleware in this JavaScript realm (process, isolate). They
// live on globalThis under Symbol.for, so the ESM and CommonJS builds of this package share one
// list, and are held weakly where the runtime has WeakRef: a dropped app takes its breakers
// with it. (workerd has WeakRef from compatibility date 2025-05-08, or with enable_weak_ref;
// before that, an isolate builds its app once anyway.)
const listKey = Symbol.for('tripswitch.hono.health-sources');

function sourceList(): SourceRef[] {
  const holder = globalThis as unknown as Record<symbol, SourceRef[] | undefined>;
  let list = holder[listKey];
  if (list === undefined) {
    list = [];
    holder[listKey] = list;
  }
  return list;
}

function refTo(source: HealthSource): SourceRef {
  return typeof WeakRef === 'function' ? new WeakRef(source) : { deref: () => source };
}

/** @internal Adds a middleware's registry to what {@link reportedSources} returns. */
export function reportToHealth(source: HealthSource): void {
  const list = sourceList();
  // Drops the registries already collected on the way, so the list only grows with live ones.
  for (let i = list.length - 1; i >= 0; i--) {
    const live = list[i]?.deref();
    if (live === source) return;
    if (live === undefined) list.splice(i, 1);
  }
  list.push(refTo(source));
}

/** @internal The registries of every live middleware in this realm, oldest first. */
export function reportedSources(): HealthSource[] {
  const sources: HealthSource[] = [];
  for (const ref of sourceList()) {
    const live = ref.deref();
    if (live !== undefined) sources.push(live);
  }
  return sources;
}
