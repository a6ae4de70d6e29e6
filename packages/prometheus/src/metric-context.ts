import type { BreakerRecords } from './breaker-records.ts';
import type { MetricsRegister } from './options.ts';
import type { ScrapedBreaker } from './scrape-snapshot.ts';

/** @internal What every group of metrics is built from. */
export interface MetricContext {
  /** The full name of a metric: the prefix, `circuit_breaker_`, then `suffix`. */
  metricName(suffix: string): string;
  /** The prom-client registries to register on. */
  readonly registers: MetricsRegister[];
  /** Every breaker's stats and record, read once per scrape. */
  readonly snapshot: () => ScrapedBreaker[];
  /** What the breakers' events taught, per breaker, and each one's `name` label. */
  readonly records: BreakerRecords;
}
