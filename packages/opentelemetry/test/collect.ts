import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { expect, onTestFinished } from 'vitest';

/** A reader the test collects from by hand: no timer, nothing exported. */
class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One instrument's collected data: its description, and its points by attributes. */
export interface Collected {
  unit: string;
  description: string;
  type: string;
  points: Array<{ attributes: Record<string, unknown>; value: unknown }>;
}

/** Flattens what a reader collected into instruments by name. */
export function byInstrument(resourceMetrics: ResourceMetrics): Map<string, Collected> {
  const instruments = new Map<string, Collected>();
  for (const { metrics } of resourceMetrics.scopeMetrics) {
    for (const metric of metrics) {
      const { descriptor, dataPoints, dataPointType } = metric;
      const monotonic =
        'isMonotonic' in metric ? (metric.isMonotonic ? ' monotonic' : ' up-down') : '';
      instruments.set(descriptor.name, {
        unit: descriptor.unit,
        description: descriptor.description,
        type: `${DataPointType[dataPointType]}${monotonic}`,
        points: (dataPoints as DataPoint<unknown>[]).map(({ attributes, value }) => ({
          attributes,
          value,
        })),
      });
    }
  }
  return instruments;
}

/**
 * A MeterProvider with a reader collected by hand, shut down when the test ends; `collect()`
 * returns the instruments by name and fails on collection errors.
 */
export function manualMeterProvider(
  temporality: AggregationTemporality = AggregationTemporality.CUMULATIVE,
): { meterProvider: MeterProvider; collect(): Promise<Map<string, Collected>> } {
  const reader = new ManualReader({ aggregationTemporalitySelector: () => temporality });
  const meterProvider = new MeterProvider({ readers: [reader] });
  onTestFinished(() => meterProvider.shutdown());
  return {
    meterProvider,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      expect(errors).toEqual([]);
      return byInstrument(resourceMetrics);
    },
  };
}

/** The value of the one point of `instrument` whose attributes include `attributes`. */
export function pointValue(
  collected: Map<string, Collected>,
  instrument: string,
  attributes: Record<string, string>,
): unknown {
  const found = pointsOf(collected, instrument, attributes);
  if (found.length !== 1) {
    throw new Error(
      `Expected one point of ${instrument} with ${JSON.stringify(attributes)}; found ${found.length}`,
    );
  }
  return found[0]?.value;
}

/** The points of `instrument` whose attributes include `attributes`. */
export function pointsOf(
  collected: Map<string, Collected>,
  instrument: string,
  attributes: Record<string, string> = {},
): Collected['points'] {
  return (collected.get(instrument)?.points ?? []).filter((point) =>
    Object.entries(attributes).every(([key, value]) => point.attributes[key] === value),
  );
}
