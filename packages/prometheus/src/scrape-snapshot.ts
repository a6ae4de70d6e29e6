import type { BreakerRegistry, BreakerStats } from '@tripswitch/core';

/**
 * @internal Returns a function that reads every breaker's stats once per scrape. prom-client
 * runs the `collect()` of every metric in the same synchronous turn, so they share one reading
 * until the next microtask: the metrics of one scrape agree with each other, and each breaker's
 * `stats()` runs once rather than once per metric.
 */
export function scrapeSnapshot(registry: Pick<BreakerRegistry, 'stats'>): () => BreakerStats[] {
  let stats: BreakerStats[] | undefined;
  return () => {
    if (stats === undefined) {
      stats = registry.stats();
      queueMicrotask(() => {
        stats = undefined;
      });
    }
    return stats;
  };
}
