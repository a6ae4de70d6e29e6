import type { BreakerRegistry } from '@tripswitch/core';
import { Counter } from 'prom-client';
import type { MetricContext } from './metric-context.ts';
import { letsCallsThrough } from './state-code.ts';

/**
 * @internal `circuit_breaker_state_transitions_total`, counted from the registry's `stateChange`
 * events, which also tell when a circuit left closed. Returns the function that unsubscribes.
 */
export function transitionMetrics(
  registry: Pick<BreakerRegistry, 'on'>,
  { metricName, registers, records }: MetricContext,
): () => void {
  new Counter({
    name: metricName('state_transitions_total'),
    help: 'State transitions since the collector started, by from, to and reason.',
    labelNames: ['name', 'from', 'to', 'reason'],
    registers,
    collect() {
      this.reset();
      records.sweep();
      for (const [, record] of records.entries()) {
        for (const { from, to, reason, count } of record.transitions.values()) {
          this.inc({ name: record.label, from, to, reason }, count);
        }
      }
    },
  });
  return registry.on('stateChange', ({ name, from, to, reason }) => {
    const record = records.get(name);
    // States and reasons hold no spaces.
    const key = `${from} ${to} ${reason}`;
    const seen = record.transitions.get(key);
    if (seen === undefined) record.transitions.set(key, { from, to, reason, count: 1 });
    else seen.count++;
    if (letsCallsThrough(to)) record.openSince = undefined;
    else if (letsCallsThrough(from)) record.openSince = Date.now();
  });
}
