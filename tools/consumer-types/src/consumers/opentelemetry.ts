// @tripswitch/opentelemetry with the OpenTelemetry API.
import { metrics } from '@opentelemetry/api';
import { BreakerRegistry } from '@tripswitch/core';
import { instrumentBreakers, meterName, rejectedEventName } from '@tripswitch/opentelemetry';

export function instruments(): () => void {
  const names: string[] = [meterName, rejectedEventName];
  void names;
  // @ts-expect-error: a registry is required
  instrumentBreakers();
  return instrumentBreakers(new BreakerRegistry(), { meterProvider: metrics.getMeterProvider() });
}
