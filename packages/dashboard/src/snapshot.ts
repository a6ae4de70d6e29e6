import type { BreakerRegistry, BreakerStats, CircuitState } from '@tripswitch/core';

/** One breaker as the dashboard shows it. */
export interface BreakerView {
  /** The breaker's name, as given (the page renders it as text, never as markup). */
  name: string;
  /** The circuit's state. */
  state: CircuitState;
  /** Failed calls in the window, in percent of its calls. */
  failureRate: number;
  /** Slow calls in the window, in percent of its calls. */
  slowCallRate: number;
  /** Calls in the window. */
  calls: number;
  /** Calls admitted and not yet settled. */
  inFlight: number;
  /**
   * Calls completed per second (successes, failures and ignored calls) over the last interval of
   * the data stream; `null` where there is no earlier reading to compare with (the first
   * message of a stream, and the JSON snapshot).
   */
  callsPerSecond: number | null;
  /** Calls refused per second over the last interval of the data stream, or `null` (as above). */
  rejectedPerSecond: number | null;
  /** Calls refused since the breaker was built. */
  rejected: number;
  /**
   * Milliseconds until an open circuit admits a trial call (0: the next call will be one);
   * `null` in every other state.
   */
  retryAfterMs: number | null;
  /** Counts since the breaker was built, for a client that computes its own rates. */
  totals: BreakerStats['totals'];
}

/** What the data stream pushes and the JSON endpoint returns. */
export interface DashboardSnapshot {
  /** `'ok'` when every circuit is closed or disabled, `'degraded'` otherwise. */
  status: 'ok' | 'degraded';
  /** When the snapshot was taken, in milliseconds since the Unix epoch. */
  time: number;
  /** Every breaker of the registry, sorted by name. */
  breakers: BreakerView[];
}

/** Per-second rates of one breaker. */
export interface Rates {
  callsPerSecond: number;
  rejectedPerSecond: number;
}

/** @internal Takes a snapshot of `stats`, with the rates a stream has measured, if any. */
export function toSnapshot(
  stats: readonly BreakerStats[],
  rates: ReadonlyMap<string, Rates> | undefined,
  time: number,
): DashboardSnapshot {
  let status: DashboardSnapshot['status'] = 'ok';
  const breakers = stats.map((breaker): BreakerView => {
    if (breaker.state !== 'closed' && breaker.state !== 'disabled') status = 'degraded';
    const rate = rates?.get(breaker.name);
    return {
      name: breaker.name,
      state: breaker.state,
      failureRate: breaker.failureRate,
      slowCallRate: breaker.slowCallRate,
      calls: breaker.calls,
      inFlight: breaker.inFlight,
      callsPerSecond: rate?.callsPerSecond ?? null,
      rejectedPerSecond: rate?.rejectedPerSecond ?? null,
      rejected: breaker.totals.rejected,
      retryAfterMs: breaker.retryAfterMs ?? null,
      totals: breaker.totals,
    };
  });
  // Code-unit order, not locale order: the same on every server and in every browser.
  breakers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { status, time, breakers };
}

/** @internal The JSON snapshot: no rates, since one reading has nothing to compare with. */
export function takeSnapshot(registry: BreakerRegistry): DashboardSnapshot {
  return toSnapshot(registry.stats(), undefined, Date.now());
}
