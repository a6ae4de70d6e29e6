import { createHash } from 'node:crypto';
import type { BreakerRegistry, BreakerStats, CircuitState } from '@tripswitch/core';

/** One breaker as the dashboard shows it. */
export interface BreakerView {
  /**
   * The breaker's name, as given (the page renders it as text, never as markup). In the data
   * stream a name longer than `maxNameLength` is cut to that length and ends in `…`; `id` and
   * `nameLength` then say so, and `GET breaker?id=…` has the full name.
   */
  name: string;
  /** Present when `name` was cut: the key of `GET breaker?id=…`, stable for a given name. */
  id?: string;
  /** Present when `name` was cut: the full name's length. */
  nameLength?: number;
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

/** @internal How long names are shown in the stream, and the ids of the long ones. */
export interface NameCap {
  readonly maxNameLength: number;
  /** The id of a long name (a cache the caller keeps, to hash each name once). */
  idOf(name: string): string;
}

/** @internal The id of a long name: 16 characters of its SHA-256, base64url. */
export function nameId(name: string): string {
  return createHash('sha256').update(name).digest('base64url').slice(0, 16);
}

/** @internal `name` cut to `length` UTF-16 units and an ellipsis, never in a surrogate pair. */
export function cutName(name: string, length: number): string {
  let end = length - 1;
  const last = name.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${name.slice(0, end)}\u2026`;
}

/**
 * @internal Takes a snapshot of `stats`, with the rates measured, if any; with `cap`, names
 * longer than its `maxNameLength` are cut (the data stream), else they are whole (the JSON).
 */
export function toSnapshot(
  stats: readonly BreakerStats[],
  rates: ReadonlyMap<string, Rates> | undefined,
  time: number,
  cap?: NameCap,
): DashboardSnapshot {
  let status: DashboardSnapshot['status'] = 'ok';
  const breakers = stats.map((breaker): BreakerView => {
    if (breaker.state !== 'closed' && breaker.state !== 'disabled') status = 'degraded';
    const rate = rates?.get(breaker.name);
    const long = cap !== undefined && breaker.name.length > cap.maxNameLength;
    return {
      name: long ? cutName(breaker.name, cap.maxNameLength) : breaker.name,
      ...(long ? { id: cap.idOf(breaker.name), nameLength: breaker.name.length } : {}),
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
  // Code-unit order, not locale order: the same on every server and in every browser. Sorted by
  // the whole names, before any is cut.
  const order = stats.map((breaker, index) => ({ name: breaker.name, index }));
  order.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { status, time, breakers: order.map(({ index }) => breakers[index] as BreakerView) };
}

/** @internal The JSON snapshot: no rates, since one reading has nothing to compare with. */
export function takeSnapshot(registry: BreakerRegistry): DashboardSnapshot {
  return toSnapshot(registry.stats(), undefined, Date.now());
}
