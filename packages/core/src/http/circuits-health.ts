import { boundedName, checkedMaxNameLength, defaultMaxNameLength } from '../bounded-name.ts';
import { InvalidOptionError } from '../errors.ts';
import { type BreakerRegistry, isBreakerRegistry, type RegistryHealth } from '../registry.ts';

/**
 * @internal What a health endpoint needs of a registry; duck-typed, as it may come from another
 * copy of core.
 */
export interface HealthSource {
  health(): RegistryHealth;
}

/** The options of a server adapter's `circuitsHealth()`, in the order its messages list them. */
const optionNames = ['registry', 'degradedStatus', 'maxNameLength'] as const;

/**
 * @internal Checks the options of a server adapter's `circuitsHealth()`:
 * `{ registry?, degradedStatus?, maxNameLength? }`, with `degradedStatus` 503 and
 * `maxNameLength` 120 by default (see {@link boundedHealth}).
 */
export function checkCircuitsHealthOptions(options: unknown): {
  registry?: BreakerRegistry;
  degradedStatus: number;
  maxNameLength: number;
} {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, `an object { ${optionNames.join('?, ')}? }`);
  }
  const {
    registry,
    degradedStatus = 503,
    maxNameLength = defaultMaxNameLength,
    ...rest
  } = options as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new InvalidOptionError(
      unknown,
      rest[unknown],
      `no such option; allowed: ${optionNames.join(', ')}`,
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
  const checked = { degradedStatus, maxNameLength: checkedMaxNameLength(maxNameLength) };
  return registry === undefined ? checked : { registry, ...checked };
}

/**
 * @internal `health` with every breaker's name cut to `maxNameLength` by {@link boundedName}:
 * names can come from request input, and a health endpoint lists them all, so a registry full
 * of long keys would otherwise make every answer megabytes long. `health` itself when no name is
 * longer, as is usual; otherwise a copy in which only the breakers with long names are new.
 */
export function boundedHealth(health: RegistryHealth, maxNameLength: number): RegistryHealth {
  const tooLong = (breaker: { name: string }) => breaker.name.length > maxNameLength;
  if (!health.breakers.some(tooLong)) return health;
  return {
    ...health,
    breakers: health.breakers.map((breaker) =>
      tooLong(breaker) ? { ...breaker, name: boundedName(breaker.name, maxNameLength) } : breaker,
    ),
  };
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
