import type { BreakerRegistry } from '@tripswitch/core';
import { Counter } from 'prom-client';
import type { MetricContext } from './metric-context.ts';

/**
 * @internal `circuit_breaker_registry_overflows_total`: breakers the registry built for a new
 * name and did not keep, because every breaker it held was open, half-open, forced open or
 * disabled. Their calls ran unguarded, so a rise here is worth an alert of its own.
 */
export function registryMetrics(
  registry: BreakerRegistry,
  { metricName, registers }: MetricContext,
): void {
  new Counter({
    name: metricName('registry_overflows_total'),
    help: 'Breakers built for a new name and not kept, because every breaker the registry held (maxBreakers) was open, half-open, forced open or disabled; their calls ran unguarded.',
    registers,
    collect() {
      this.reset();
      this.inc(registry.overflows);
    },
  });
}
