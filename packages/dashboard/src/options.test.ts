import { BreakerRegistry, isInvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { checkOptions } from './options.ts';

function thrown(run: () => unknown): { option: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isInvalidOptionError(error)) return { option: error.option, message: error.message };
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('checkOptions', () => {
  const registry = new BreakerRegistry();

  it('applies the defaults', () => {
    expect(checkOptions(registry, {})).toEqual({
      registry,
      basePath: '',
      controls: false,
      authorize: undefined,
      intervalMs: 1000,
      maxConnections: 100,
      maxNameLength: 120,
      maxBufferBytes: 1_048_576,
    });
  });

  it('refuses controls without authorize, naming the option', () => {
    const error = thrown(() => checkOptions(registry, { controls: true }));
    expect(error.option).toBe('authorize');
    expect(error.message).toMatch(/when controls is true/);
  });

  it('accepts controls with authorize, and authorize alone', () => {
    const authorize = () => true;
    expect(checkOptions(registry, { controls: true, authorize })).toMatchObject({
      controls: true,
      authorize,
    });
    expect(checkOptions(registry, { authorize })).toMatchObject({ controls: false });
  });

  it.each([
    ['registry', () => checkOptions({}, {})],
    ['options', () => checkOptions(registry, null)],
    ['colour', () => checkOptions(registry, { colour: 'red' })],
    ['basePath', () => checkOptions(registry, { basePath: 'breakers' })],
    ['basePath', () => checkOptions(registry, { basePath: '/breakers/' })],
    ['basePath', () => checkOptions(registry, { basePath: '/a b' })],
    ['basePath', () => checkOptions(registry, { basePath: '/a?b' })],
    ['controls', () => checkOptions(registry, { controls: 'yes' })],
    ['authorize', () => checkOptions(registry, { controls: true, authorize: 'admin' })],
    ['intervalMs', () => checkOptions(registry, { intervalMs: 10 })],
    ['intervalMs', () => checkOptions(registry, { intervalMs: 1.5e3 + 0.5 })],
    ['intervalMs', () => checkOptions(registry, { intervalMs: 2 ** 31 })],
    ['maxConnections', () => checkOptions(registry, { maxConnections: 0 })],
    ['maxConnections', () => checkOptions(registry, { maxConnections: Number.POSITIVE_INFINITY })],
    ['maxNameLength', () => checkOptions(registry, { maxNameLength: 3 })],
    ['maxBufferBytes', () => checkOptions(registry, { maxBufferBytes: 1.5 })],
  ])('refuses a bad %s', (option, run) => {
    expect(thrown(run).option).toBe(option);
  });

  it('accepts nested base paths', () => {
    expect(checkOptions(registry, { basePath: '/ops/breakers' }).basePath).toBe('/ops/breakers');
  });
});
