// A MeterProvider that cannot give what the instrumentation needs: the call must fail naming the
// option, and leave nothing behind on the registry or the meter.
import type { Meter, MeterProvider } from '@opentelemetry/api';
import { InvalidOptionError } from '@tripswitch/core';
import { CountingRegistry } from '@tripswitch/test-breakers';
import { describe, expect, it } from 'vitest';
import { instrumentBreakers } from '../src/index.ts';
import { manualMeterProvider, pointsOf } from './collect.ts';

/** A provider whose meters are the real `meterProvider`'s, with `method` throwing. */
function breakingMeter(meterProvider: MeterProvider, method: keyof Meter): MeterProvider {
  return {
    getMeter(...args) {
      const meter = meterProvider.getMeter(...args);
      return Object.assign(Object.create(meter) as Meter, {
        [method]: () => {
          throw new Error(`${method} is out of order`);
        },
      });
    },
  };
}

describe('a meter provider that cannot instrument', () => {
  it.each([
    ['returns no meter', { getMeter: () => undefined }],
    ['returns a meter without instruments', { getMeter: () => ({}) }],
  ])('that %s is refused naming meterProvider, and nothing listens', (_, meterProvider) => {
    const registry = new CountingRegistry();
    let error: unknown;
    try {
      instrumentBreakers(registry, { meterProvider: meterProvider as never });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe('meterProvider');
    expect(registry.listeners).toBe(0);
  });

  it('that throws halfway leaves no listener on the registry and no callback on the meter', async () => {
    const registry = new CountingRegistry();
    const { meterProvider, collect } = manualMeterProvider();
    expect(() =>
      instrumentBreakers(registry, {
        meterProvider: breakingMeter(meterProvider, 'createHistogram'),
      }),
    ).toThrow('createHistogram is out of order');
    expect(registry.listeners).toBe(0);
    registry.get('payments').isolate();
    // The batch callback, had it stayed, would observe the breaker's state here.
    expect(pointsOf(await collect(), 'circuit_breaker.state')).toEqual([]);
  });
});
