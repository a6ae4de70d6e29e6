import { trace } from '@opentelemetry/api';
import type { BreakerRegistry } from '@tripswitch/core';
import { attributeKeys, attributeValue } from './attributes.ts';
import type { BreakerLabels } from './breaker-labels.ts';

/** The name of the span event a refused call adds to the active span. */
export const rejectedEventName = 'circuit_breaker.rejected';

/**
 * @internal Adds a `circuit_breaker.rejected` event to the active span whenever a breaker refuses
 * a call. Breakers emit `rejected` synchronously, in the caller's own context, so the active span
 * is the caller's. Returns the function that unsubscribes.
 */
export function addRejectionEvents(
  registry: Pick<BreakerRegistry, 'on'>,
  labels: BreakerLabels,
): () => void {
  return registry.on('rejected', ({ name, reason }) => {
    const span = trace.getActiveSpan();
    if (span === undefined || !span.isRecording()) return;
    span.addEvent(rejectedEventName, {
      [attributeKeys.name]: labels.of(name),
      [attributeKeys.rejectionReason]: attributeValue(reason),
    });
  });
}
