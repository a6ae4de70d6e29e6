import type { BreakerRegistry, BreakerStats } from '@tripswitch/core';
import type { BreakerRecord, BreakerRecords } from './breaker-records.ts';

/** @internal One breaker as a scrape reads it: its stats, and its record (with its label). */
export interface ScrapedBreaker {
  readonly stats: BreakerStats;
  /** What the collector keeps for the breaker; `record.label` is the value of its `name` label. */
  readonly record: BreakerRecord;
}

/**
 * @internal Returns a function that reads every breaker's stats once per scrape, each with its
 * record. prom-client runs the `collect()` of every metric in the same synchronous turn, so they
 * share one reading until the next microtask: the metrics of one scrape agree with each other,
 * each breaker's `stats()` runs once rather than once per metric, and every metric gives a
 * breaker the same `name` label, the one its record holds.
 */
export function scrapeSnapshot(
  registry: Pick<BreakerRegistry, 'stats'>,
  records: Pick<BreakerRecords, 'get'>,
): () => ScrapedBreaker[] {
  let breakers: ScrapedBreaker[] | undefined;
  return () => {
    if (breakers === undefined) {
      breakers = registry.stats().map((stats) => ({ stats, record: records.get(stats.name) }));
      queueMicrotask(() => {
        breakers = undefined;
      });
    }
    return breakers;
  };
}
