import { BreakerRegistry, InvalidOptionError } from '@tripswitch/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectBreakerMetrics } from './collect-breaker-metrics.ts';

function rejection(registry: unknown, options: unknown): InvalidOptionError {
  try {
    collectBreakerMetrics(registry as BreakerRegistry, options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  return expect.fail('collectBreakerMetrics() did not throw');
}

describe('collectBreakerMetrics arguments', () => {
  const registry = new BreakerRegistry();

  it.each([
    [undefined, 'registry'],
    [{}, 'registry'],
    [new Registry(), 'registry'],
  ])('rejects %o as the breaker registry', (value, option) => {
    const error = rejection(value, { register: new Registry() });
    expect(error.option).toBe(option);
    expect(error.message).toContain('a BreakerRegistry from @tripswitch/core');
  });

  it.each([
    [null, 'options'],
    [[], 'options'],
    [{ registr: new Registry() }, 'registr'],
    [{ register: {} }, 'register'],
    [{ register: registry }, 'register'],
    [{ prefix: 'my-app_' }, 'prefix'],
    [{ prefix: '1st_' }, 'prefix'],
    [{ prefix: 7 }, 'prefix'],
    [{ buckets: [] }, 'buckets'],
    [{ buckets: [0, 1] }, 'buckets'],
    [{ buckets: [1, 0.5] }, 'buckets'],
    [{ buckets: [1, 1] }, 'buckets'],
    [{ buckets: [0.1, Number.POSITIVE_INFINITY] }, 'buckets'],
    [{ buckets: ['0.1'] }, 'buckets'],
    [{ buckets: true }, 'buckets'],
  ])('rejects the options %o, naming %s', (options, option) => {
    const error = rejection(registry, options);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`Invalid option "${option}"`);
  });

  it('names what is allowed', () => {
    expect(rejection(registry, { buckets: [] }).expected).toBe(
      'false, or a non-empty array of increasing finite numbers of seconds > 0',
    );
    expect(rejection(registry, { colour: 'red' }).expected).toBe(
      'no such option; allowed: register, prefix, buckets, maxNameLength',
    );
  });

  it.each([31, 65_537, 1.5, '120', Number.NaN, Number.POSITIVE_INFINITY, null])(
    'rejects maxNameLength: %o, saying what is allowed',
    (maxNameLength) => {
      const error = rejection(registry, { maxNameLength });
      expect(error.option).toBe('maxNameLength');
      expect(error.value).toBe(maxNameLength);
      expect(error.expected).toBe('an integer from 32 to 65536');
      expect(error.message).toContain('Invalid option "maxNameLength"');
    },
  );

  it('accepts maxNameLength from 32 to 65_536', () => {
    const register = new Registry();
    for (const maxNameLength of [32, 120, 65_536]) {
      collectBreakerMetrics(registry, { register, maxNameLength })();
    }
  });

  it('accepts a prefix with colons and underscores, and leaves the options it was given alone', () => {
    const buckets = [0.1, 1];
    const register = new Registry();
    collectBreakerMetrics(registry, { register, prefix: 'app:edge_', buckets })();
    collectBreakerMetrics(registry, { register, prefix: '' })();
    expect(buckets).toEqual([0.1, 1]);
  });
});
