import { type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import { InvalidOptionError } from '@tripswitch/core';

/** What the instrumentation calls on its meter. */
const meterMethods = [
  'createObservableUpDownCounter',
  'createObservableCounter',
  'createObservableGauge',
  'createHistogram',
  'addBatchObservableCallback',
  'removeBatchObservableCallback',
] as const;

/**
 * @internal The meter `name` of `meterProvider` (the global one when it is undefined), checked to
 * have every method the instrumentation calls: a provider of another shape is refused naming the
 * option, before anything listens to the registry, rather than failing halfway with a TypeError.
 */
export function checkedMeter(meterProvider: MeterProvider | undefined, name: string): Meter {
  const meter: unknown = (meterProvider ?? metrics.getMeterProvider()).getMeter(name);
  const missing = meterMethods.find(
    (method) => typeof (meter as Partial<Meter> | null | undefined)?.[method] !== 'function',
  );
  if (missing !== undefined) {
    throw new InvalidOptionError(
      'meterProvider',
      meterProvider,
      `an OpenTelemetry MeterProvider whose getMeter() returns a Meter with ${missing}() (@opentelemetry/api 1.9 or later)`,
    );
  }
  return meter as Meter;
}
