import { Gauge } from 'prom-client';
import type { MetricContext } from './metric-context.ts';
import { circuitStates, letsCallsThrough, stateCodes } from './state-code.ts';

/**
 * @internal `circuit_breaker_state` (one series per state, 1 for the current one),
 * `circuit_breaker_state_code` (the state as a number) and
 * `circuit_breaker_open_since_timestamp_seconds`.
 */
export function stateMetrics({ metricName, registers, snapshot }: MetricContext): void {
  new Gauge({
    name: metricName('state'),
    help: 'Whether the circuit is in this state (1) or not (0): closed, open, half-open, disabled or forced-open.',
    labelNames: ['name', 'state'],
    registers,
    collect() {
      this.reset();
      for (const { stats, record } of snapshot()) {
        for (const candidate of circuitStates) {
          this.set({ name: record.label, state: candidate }, candidate === stats.state ? 1 : 0);
        }
      }
    },
  });
  new Gauge({
    name: metricName('state_code'),
    help: "The circuit's state as a number: 0 closed, 1 open, 2 half-open, 3 disabled, 4 forced-open.",
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const { stats, record } of snapshot()) {
        this.set({ name: record.label }, stateCodes[stats.state]);
      }
    },
  });
  new Gauge({
    name: metricName('open_since_timestamp_seconds'),
    help: 'When the circuit left closed, in seconds since the Unix epoch; only while it is open, half-open or forced open.',
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const { stats, record } of snapshot()) {
        if (letsCallsThrough(stats.state)) {
          record.openSince = undefined;
          continue;
        }
        // Out of closed before this collector could see it leave: first seen now.
        record.openSince ??= Date.now();
        this.set({ name: record.label }, record.openSince / 1000);
      }
    },
  });
}
