import type { BreakerRegistry } from '@tripswitch/core';
import { Histogram } from 'prom-client';
import type { MetricContext } from './metric-context.ts';

/**
 * @internal `circuit_breaker_call_duration_seconds`, observed from the registry's `success` and
 * `failure` events. Returns the histogram, to drop a breaker's series, and the function that
 * unsubscribes.
 */
export function durationHistogram(
  registry: Pick<BreakerRegistry, 'on'>,
  buckets: number[],
  { metricName, registers, snapshot, records }: MetricContext,
): { histogram: Histogram<'name'>; off: () => void } {
  const histogram = new Histogram({
    name: metricName('call_duration_seconds'),
    help: 'Duration of the successful and failed calls through the breaker, in seconds.',
    labelNames: ['name'],
    buckets,
    registers,
    collect() {
      records.sweep();
      // Every breaker gets its series, with zero counts until its first call.
      for (const { record } of snapshot()) {
        if (record.hasDurations) continue;
        record.hasDurations = true;
        this.zero({ name: record.label });
      }
    },
  });
  const observe = ({ name, durationMs }: { name: string; durationMs: number }): void => {
    const record = records.get(name);
    record.hasDurations = true;
    histogram.observe({ name: record.label }, durationMs / 1000);
  };
  const offSuccess = registry.on('success', observe);
  const offFailure = registry.on('failure', observe);
  return {
    histogram,
    off: () => {
      offSuccess();
      offFailure();
    },
  };
}
