import { InvalidOptionError } from '../errors.ts';
import { isBreakerRegistry } from '../registry.ts';

/**
 * @internal Checks how a server adapter names its breakers: `name` a non-empty string, `key` a
 * function, and not both, since each per-key breaker is named by its key. `prefix` goes before
 * the option's name in the error, such as `config.breaker.` for a route's options in Fastify.
 * Shared so that Express, Fastify and Hono refuse these alike.
 */
export function checkNameAndKey(name: unknown, key: unknown, prefix = ''): void {
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new InvalidOptionError(`${prefix}name`, name, 'a non-empty string');
  }
  if (key !== undefined && typeof key !== 'function') {
    throw new InvalidOptionError(`${prefix}key`, key, 'a function');
  }
  if (key !== undefined && name !== undefined) {
    throw new InvalidOptionError(
      `${prefix}name`,
      name,
      'nothing alongside key: each per-key breaker is named by its key',
    );
  }
}

/**
 * @internal Checks where a server adapter keeps its breakers: `registry` a `BreakerRegistry`
 * (from any copy of core), and `maxKeys`, the bound of the registry the adapter makes when given
 * none: an integer >= 1, and not alongside `registry`, which has its own bound. With `perKey`,
 * `maxKeys` bounds per-key breakers only (Express, Hono), so it is refused without `perKey.key`.
 * Shared so that the server adapters refuse these alike.
 */
export function checkRegistryAndMaxKeys(
  registry: unknown,
  maxKeys: unknown,
  perKey?: { readonly key: unknown },
): void {
  if (registry !== undefined && !isBreakerRegistry(registry)) {
    throw new InvalidOptionError('registry', registry, 'a BreakerRegistry from @tripswitch/core');
  }
  if (maxKeys === undefined) return;
  if (typeof maxKeys !== 'number' || !Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new InvalidOptionError('maxKeys', maxKeys, 'an integer >= 1');
  }
  if (perKey !== undefined && perKey.key === undefined) {
    throw new InvalidOptionError(
      'maxKeys',
      maxKeys,
      'nothing without key: it bounds per-key breakers',
    );
  }
  if (registry !== undefined) {
    throw new InvalidOptionError(
      'maxKeys',
      maxKeys,
      "nothing alongside registry: set the registry's own maxBreakers",
    );
  }
}
