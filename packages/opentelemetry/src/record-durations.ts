import type { Meter } from '@opentelemetry/api';
import type { BreakerRegistry } from '@tripswitch/core';
import { attributeKeys } from './attributes.ts';
import type { BreakerLabels } from './breaker-labels.ts';

/**
 * @internal The `circuit_breaker.call.duration` histogram, recorded from the registry's
 * `success` and `failure` events. Returns the function that unsubscribes.
 */
export function recordDurations(
  meter: Meter,
  registry: Pick<BreakerRegistry, 'on'>,
  buckets: number[],
  labels: BreakerLabels,
): () => void {
  const duration = meter.createHistogram('circuit_breaker.call.duration', {
    description: 'Duration of the successful and failed calls through the breaker.',
    unit: 's',
    advice: { explicitBucketBoundaries: buckets },
  });
  const record = ({ name, durationMs }: { name: string; durationMs: number }): void => {
    duration.record(durationMs / 1000, { [attributeKeys.name]: labels.of(name) });
  };
  const offSuccess = registry.on('success', record);
  const offFailure = registry.on('failure', record);
  return () => {
    offSuccess();
    offFailure();
  };
}
