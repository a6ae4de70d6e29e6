import { describe, expect, it } from 'vitest';
import { BreakerRegistry } from '../registry.ts';
import { checkNameAndKey, checkRegistryAndMaxKeys } from './adapter-breaker-options.ts';

describe('checkNameAndKey', () => {
  it.each([
    ['', undefined, 'name', 'a non-empty string'],
    [undefined, 'k', 'key', 'a function'],
    ['a', () => 'k', 'name', 'nothing alongside key: each per-key breaker is named by its key'],
  ])('refuses name %j with key %j', (name, key, option, expected) => {
    expect(() => checkNameAndKey(name, key, 'config.breaker.')).toThrow(
      expect.objectContaining({ option: `config.breaker.${option}`, expected }),
    );
  });
});

describe('checkRegistryAndMaxKeys', () => {
  const registry = new BreakerRegistry();

  it('accepts a registry, or maxKeys without one', () => {
    expect(() => checkRegistryAndMaxKeys(registry, undefined, { key: undefined })).not.toThrow();
    expect(() => checkRegistryAndMaxKeys(undefined, 5)).not.toThrow();
  });

  it.each([
    [{}, undefined, undefined, 'registry', 'a BreakerRegistry from @tripswitch/core'],
    [undefined, 0, undefined, 'maxKeys', 'an integer >= 1'],
    [
      undefined,
      5,
      { key: undefined },
      'maxKeys',
      'nothing without key: it bounds per-key breakers',
    ],
    [
      registry,
      5,
      undefined,
      'maxKeys',
      "nothing alongside registry: set the registry's own maxBreakers",
    ],
  ])(
    'refuses registry %j with maxKeys %j (per key: %j)',
    (reg, maxKeys, perKey, option, expected) => {
      expect(() => checkRegistryAndMaxKeys(reg, maxKeys, perKey)).toThrow(
        expect.objectContaining({ option, expected }),
      );
    },
  );
});
