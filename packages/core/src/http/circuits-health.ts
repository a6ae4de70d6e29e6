import { InvalidOptionError } from '../errors.ts';
import { type BreakerRegistry, isBreakerRegistry, type RegistryHealth } from '../registry.ts';

/**
 * @internal What a health endpoint needs of a registry; duck-typed, as it may come from another
 * copy of core.
 */
export interface HealthSource {
  health(): RegistryHealth;
}

/**
 * @internal Checks the options of a server adapter's `circuitsHealth()`:
 * `{ registry?, degradedStatus? }`, with `degradedStatus` 503 by default.
 */
export function checkCircuitsHealthOptions(options: unknown): {
  registry?: BreakerRegistry;
  degradedStatus: number;
} {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an object { registry?, degradedStatus? }');
  }
  const { registry, degradedStatus = 503, ...rest } = options as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new InvalidOptionError(
      unknown,
      rest[unknown],
      'no such option; allowed: registry, degradedStatus',
    );
  }
  if (registry !== undefined && !isBreakerRegistry(registry)) {
    throw new InvalidOptionError('registry', registry, 'a BreakerRegistry from @tripswitch/core');
  }
  if (
    typeof degradedStatus !== 'number' ||
    !Number.isInteger(degradedStatus) ||
    degradedStatus < 200 ||
    degradedStatus > 599
  ) {
    throw new InvalidOptionError(
      'degradedStatus',
      degradedStatus,
      'an HTTP status from 200 to 599',
    );
  }
  return registry === undefined ? { degradedStatus } : { registry, degradedStatus };
}

/**
 * @internal The health of several registries as one report: degraded when any is, their
 * overflows added up and their breakers listed together.
 */
export function combinedHealth(sources: readonly HealthSource[]): RegistryHealth {
  let status: RegistryHealth['status'] = 'ok';
  let overflows = 0;
  const breakers: RegistryHealth['breakers'] = [];
  for (const source of sources) {
    const health = source.health();
    if (health.status !== 'ok') status = 'degraded';
    // A registry from an older copy of core may not count overflows.
    overflows += typeof health.overflows === 'number' ? health.overflows : 0;
    breakers.push(...health.breakers);
  }
  return { status, overflows, breakers };
}
