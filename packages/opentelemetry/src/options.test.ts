import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BreakerRegistry, InvalidOptionError } from '@tripswitch/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { instrumentBreakers } from './instrument-breakers.ts';

function rejection(registry: unknown, options: unknown): InvalidOptionError {
  try {
    instrumentBreakers(registry as BreakerRegistry, options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  return expect.fail('instrumentBreakers() did not throw');
}

describe('instrumentBreakers arguments', () => {
  const registry = new BreakerRegistry();

  it.each([[undefined], [{}], [new MeterProvider()]])('rejects %o as the registry', (value) => {
    const error = rejection(value, {});
    expect(error.option).toBe('registry');
    expect(error.expected).toBe('a BreakerRegistry from @tripswitch/core');
  });

  it.each([
    [null, 'options'],
    [[], 'options'],
    [{ tracerProvider: {} }, 'tracerProvider'],
    [{ meterProvider: {} }, 'meterProvider'],
    [{ meterProvider: registry }, 'meterProvider'],
    [{ spanEvents: 'yes' }, 'spanEvents'],
    [{ buckets: [] }, 'buckets'],
    [{ buckets: [0] }, 'buckets'],
    [{ buckets: [2, 1] }, 'buckets'],
    [{ buckets: [Number.NaN] }, 'buckets'],
    [{ buckets: true }, 'buckets'],
  ])('rejects the options %o, naming %s', (options, option) => {
    const error = rejection(registry, options);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`Invalid option "${option}"`);
  });

  it('names the options it has', () => {
    expect(rejection(registry, { tracerProvider: {} }).expected).toBe(
      'no such option; allowed: meterProvider, buckets, spanEvents, maxNameLength',
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
    const meterProvider = new MeterProvider();
    onTestFinished(() => meterProvider.shutdown());
    for (const maxNameLength of [32, 120, 65_536]) {
      instrumentBreakers(registry, { meterProvider, maxNameLength })();
    }
  });

  it('leaves the buckets it was given alone', () => {
    const meterProvider = new MeterProvider();
    onTestFinished(() => meterProvider.shutdown());
    const buckets = [0.5, 1];
    instrumentBreakers(registry, { meterProvider, buckets })();
    expect(buckets).toEqual([0.5, 1]);
  });
});
