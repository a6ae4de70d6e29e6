import { type BreakerRegistry, InvalidOptionError } from '@tripswitch/core';
import { register as globalRegister, type Histogram } from 'prom-client';
import { BreakerRecords } from './breaker-records.ts';
import { callMetrics } from './call-metrics.ts';
import { durationHistogram } from './duration-histogram.ts';
import type { MetricContext } from './metric-context.ts';
import { type BreakerMetricsOptions, checkArguments } from './options.ts';
import { registryMetrics } from './registry-metrics.ts';
import { scrapeSnapshot } from './scrape-snapshot.ts';
import { stateMetrics } from './state-metrics.ts';
import { transitionMetrics } from './transition-metrics.ts';

const metricSuffixes = [
  'state',
  'state_code',
  'open_since_timestamp_seconds',
  'calls_total',
  'slow_calls_total',
  'fallbacks_total',
  'failure_rate',
  'slow_call_rate',
  'state_transitions_total',
  'registry_overflows_total',
];

/**
 * Exposes the breakers of `registry` as Prometheus metrics on a prom-client registry. Values are
 * read from the breakers when Prometheus scrapes, so calls pay nothing for them, except for the
 * duration histogram (see `buckets`). A breaker the registry drops (deleted, or evicted past
 * `maxBreakers`) leaves the scrape with all its series.
 *
 * | Metric | Type | Labels |
 * | --- | --- | --- |
 * | `circuit_breaker_state` | gauge: 1 for the circuit's state, 0 for the others | `name`, `state` |
 * | `circuit_breaker_state_code` | gauge: 0 closed, 1 open, 2 half-open, 3 disabled, 4 forced-open | `name` |
 * | `circuit_breaker_open_since_timestamp_seconds` | gauge: when the circuit left closed (Unix time), only while it is open, half-open or forced open | `name` |
 * | `circuit_breaker_calls_total` | counter | `name`, `result`: success, failure, timeout, ignored, rejected |
 * | `circuit_breaker_slow_calls_total` | counter | `name` |
 * | `circuit_breaker_fallbacks_total` | counter | `name` |
 * | `circuit_breaker_state_transitions_total` | counter | `name`, `from`, `to`, `reason` |
 * | `circuit_breaker_call_duration_seconds` | histogram | `name` |
 * | `circuit_breaker_failure_rate` | gauge: ratio 0–1 of failed calls in the window | `name` |
 * | `circuit_breaker_slow_call_rate` | gauge: ratio 0–1 of slow calls in the window | `name` |
 * | `circuit_breaker_registry_overflows_total` | counter: breakers built for a new name and not kept, because every breaker held was open, half-open, forced open or disabled (see `maxBreakers`); their calls ran unguarded | none |
 *
 * `failure` leaves out timeouts, which have their own `result`: add both for every failed call.
 * Transitions are counted from the moment this is called. A name longer than `maxNameLength`
 * (120 by default) is cut in the `name` label, ending in `…` and 16 hexadecimal digits of the
 * whole name, the same in every metric.
 *
 * @param registry - the breakers to expose, including those it creates later.
 * @returns the function that removes the metrics from the prom-client registry and stops
 * listening to the breakers.
 * @throws `InvalidOptionError` when an argument is invalid, or when a metric of the same name
 * is registered already (collect a registry once per prom-client registry, or give each
 * collection its own `prefix`).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { BreakerRegistry } from '@tripswitch/core';
 * import { collectBreakerMetrics } from '@tripswitch/prometheus';
 * import { register } from 'prom-client';
 *
 * const breakers = new BreakerRegistry();
 * collectBreakerMetrics(breakers);
 *
 * createServer(async (_req, res) => {
 *   res.writeHead(200, { 'content-type': register.contentType });
 *   res.end(await register.metrics());
 * }).listen(9464);
 * ```
 */
export function collectBreakerMetrics(
  registry: BreakerRegistry,
  options: BreakerMetricsOptions = {},
): () => void {
  const {
    register = globalRegister,
    prefix,
    buckets,
    maxNameLength,
  } = checkArguments(registry, options);
  const metricName = (suffix: string): string => `${prefix}circuit_breaker_${suffix}`;
  const names = [...metricSuffixes, ...(buckets === false ? [] : ['call_duration_seconds'])].map(
    metricName,
  );
  // Checked before any is registered, so a clash leaves the register as it was.
  const taken = names.find((name) => register.getSingleMetric(name) !== undefined);
  if (taken !== undefined) {
    throw new InvalidOptionError(
      'prefix',
      prefix,
      `a prefix no metric of this register has: "${taken}" is registered already (collect each BreakerRegistry once per register, or give each its own prefix)`,
    );
  }

  let histogram: Histogram<'name'> | undefined;
  const records = new BreakerRecords(registry, maxNameLength, (_name, record) => {
    if (record.hasDurations) histogram?.remove({ name: record.label });
  });
  const context: MetricContext = {
    metricName,
    registers: [register],
    snapshot: scrapeSnapshot(registry, records),
    records,
  };
  stateMetrics(context);
  callMetrics(context);
  registryMetrics(registry, context);
  const offs = [transitionMetrics(registry, context)];
  if (buckets !== false) {
    const durations = durationHistogram(registry, buckets, context);
    histogram = durations.histogram;
    offs.push(durations.off);
  }

  const mine = names.map((name) => register.getSingleMetric(name));
  let collecting = true;
  return () => {
    if (!collecting) return;
    collecting = false;
    for (const off of offs) off();
    names.forEach((name, index) => {
      // Leave alone a metric someone registered under this name after removing ours.
      if (register.getSingleMetric(name) === mine[index]) register.removeSingleMetric(name);
    });
  };
}
