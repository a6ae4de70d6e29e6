import { Counter, Gauge } from 'prom-client';
import type { MetricContext } from './metric-context.ts';

/**
 * @internal The counters read from each breaker's totals (`circuit_breaker_calls_total`,
 * `_slow_calls_total`, `_fallbacks_total`) and the rates of its window, as ratios.
 */
export function callMetrics({ metricName, registers, snapshot }: MetricContext): void {
  new Counter({
    name: metricName('calls_total'),
    help: 'Calls through the breaker by result: success, failure (timeouts excluded), timeout, ignored (neither success nor failure), rejected (refused by the circuit or the bulkhead), cancelled (cancelled by its caller before it was admitted).',
    labelNames: ['name', 'result'],
    registers,
    collect() {
      this.reset();
      for (const { stats, record } of snapshot()) {
        const { totals } = stats;
        const name = record.label;
        this.inc({ name, result: 'success' }, totals.successes);
        // The core counts a timeout as a failure too; here each call has one result.
        this.inc({ name, result: 'failure' }, totals.failures - totals.timeouts);
        this.inc({ name, result: 'timeout' }, totals.timeouts);
        this.inc({ name, result: 'ignored' }, totals.ignored);
        this.inc({ name, result: 'rejected' }, totals.rejected);
        this.inc({ name, result: 'cancelled' }, totals.cancelled);
      }
    },
  });
  new Counter({
    name: metricName('slow_calls_total'),
    help: 'Calls that took at least slowCallDurationMs, successful or not.',
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const { stats, record } of snapshot()) {
        this.inc({ name: record.label }, stats.totals.slowCalls);
      }
    },
  });
  new Counter({
    name: metricName('fallbacks_total'),
    help: "Failed or refused calls answered by the breaker's fallback.",
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const { stats, record } of snapshot()) {
        this.inc({ name: record.label }, stats.totals.fallbacks);
      }
    },
  });
  new Gauge({
    name: metricName('failure_rate'),
    help: "Failed calls in the breaker's window, as a ratio of its calls (0 to 1; 0 when the window is empty).",
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const { stats, record } of snapshot()) {
        this.set({ name: record.label }, stats.failureRate / 100);
      }
    },
  });
  new Gauge({
    name: metricName('slow_call_rate'),
    help: "Slow calls in the breaker's window, as a ratio of its calls (0 to 1; 0 when the window is empty).",
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const { stats, record } of snapshot()) {
        this.set({ name: record.label }, stats.slowCallRate / 100);
      }
    },
  });
}
