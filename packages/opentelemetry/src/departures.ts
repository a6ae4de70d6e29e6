import type { BreakerRegistry } from '@tripswitch/core';

/** How long a breaker that left the registry goes on reporting zeros. */
export const departureReportMs: number = 5 * 60_000;

/**
 * @internal The breakers that left the registry (deleted, or evicted past `maxBreakers`) since a
 * collection saw them, for five minutes after they left. Their state and rates are reported as 0
 * meanwhile: the OpenTelemetry JS SDK, with cumulative temporality, goes on exporting the last
 * value of an asynchronous series nobody observes any more
 * (https://github.com/open-telemetry/opentelemetry-js/issues/4096), which would show a deleted
 * breaker open forever; a 0 in every state shows it in none. Five minutes covers the collections
 * of every reader of a MeterProvider (a Prometheus scrape, an OTLP export), which each run the
 * callback. At most twice the registry's size plus 16 are kept, the oldest dropped first.
 */
export class Departures {
  readonly #registry: Pick<BreakerRegistry, 'size'>;
  #lastSeen: ReadonlySet<string> = new Set();
  // In order of departure: the oldest first.
  readonly #departed = new Map<string, number>();

  constructor(registry: Pick<BreakerRegistry, 'size'>) {
    this.#registry = registry;
  }

  /**
   * Takes the names a collection observes, as it reports them (their `circuit_breaker.name`
   * values); returns the departed ones to report zeros for.
   */
  update(present: ReadonlySet<string>): string[] {
    const now = Date.now();
    for (const name of this.#lastSeen) {
      if (!present.has(name) && !this.#departed.has(name)) this.#departed.set(name, now);
    }
    this.#lastSeen = present;
    const most = 2 * this.#registry.size + 16;
    for (const [name, leftAt] of this.#departed) {
      const expired = now - leftAt >= departureReportMs || this.#departed.size > most;
      if (expired || present.has(name)) this.#departed.delete(name);
    }
    return [...this.#departed.keys()];
  }
}
