import type { BreakerStats } from '@tripswitch/core';
import type { Rates } from './snapshot.ts';

interface Counts {
  readonly completed: number;
  readonly rejected: number;
}

const none: Counts = { completed: 0, rejected: 0 };

/**
 * @internal Calls and refusals per second of every breaker, from the growth of its totals between
 * two readings. One per data stream, so each page measures over its own interval. It keeps one
 * entry per breaker of the latest reading, so it holds no more than the registry does.
 */
export class RateTracker {
  #counts: Map<string, Counts>;
  #at: number;
  #rates: ReadonlyMap<string, Rates> = new Map();

  /** Takes the first reading: the baseline of the first rates. */
  constructor(stats: readonly BreakerStats[], now: number) {
    this.#counts = countsOf(stats);
    this.#at = now;
  }

  /** The rates of the latest measurement (none before the first). */
  get rates(): ReadonlyMap<string, Rates> {
    return this.#rates;
  }

  /** Measures the rates since the previous reading, and makes this reading the next baseline. */
  measure(stats: readonly BreakerStats[], now: number): ReadonlyMap<string, Rates> {
    const seconds = (now - this.#at) / 1000;
    if (!(seconds > 0)) return this.#rates;
    const counts = countsOf(stats);
    const rates = new Map<string, Rates>();
    for (const [name, current] of counts) {
      // A breaker created since the previous reading made all its calls within this interval.
      let before = this.#counts.get(name) ?? none;
      // A breaker evicted and created again under the same name starts its totals from zero.
      if (current.completed < before.completed || current.rejected < before.rejected) before = none;
      rates.set(name, {
        callsPerSecond: round((current.completed - before.completed) / seconds),
        rejectedPerSecond: round((current.rejected - before.rejected) / seconds),
      });
    }
    this.#counts = counts;
    this.#at = now;
    this.#rates = rates;
    return rates;
  }
}

function countsOf(stats: readonly BreakerStats[]): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  for (const { name, totals } of stats) {
    counts.set(name, {
      completed: totals.successes + totals.failures + totals.ignored,
      rejected: totals.rejected,
    });
  }
  return counts;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
