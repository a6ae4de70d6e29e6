import type { Environment } from './environment.ts';
import type { HeapCost, HeapPlan } from './heap.ts';
import type { Plan, Series } from './measure.ts';
import type { Row } from './rows.ts';
import { median, pairedRatio, relativeSpread } from './stats.ts';
import type { Library } from './types.ts';

/** Everything one run measured, and who was measured. */
export interface Results {
  environment: Environment;
  plan: Plan;
  heapPlan: HeapPlan;
  /** The bare `await fn()` baseline. */
  baseline: Library;
  /** The floors: the least a breaker could cost, per row that has one. */
  floor: Library;
  /** A breaker with no bookkeeping (see `subjects/skeleton.ts`): what ours adds to it is its own. */
  skeleton: Library;
  /** The library the targets are about. */
  ours: Library;
  /** The libraries it is compared with. */
  peers: readonly Library[];
  /** Per row, the series of each library that took part, by library name. */
  rows: readonly { row: Row; series: ReadonlyMap<string, Series> }[];
  /** Per library, the cost of one idle breaker. */
  heap: readonly { library: Library; cost: HeapCost }[];
}

/** A row's results, as stored in {@link Results.rows}. */
export type RowResults = Results['rows'][number];

/** The median ns per operation of `library` in a row, or undefined when it took no part. */
export function medianNs(row: RowResults, library: Library): number | undefined {
  const series = row.series.get(library.name);
  return series === undefined ? undefined : median(series.nsPerOp);
}

/** The median absolute deviation of `library`'s samples in a row, as a fraction of the median. */
export function spread(row: RowResults, library: Library): number | undefined {
  const series = row.series.get(library.name);
  return series === undefined ? undefined : relativeSpread(series.nsPerOp);
}

/** How many times the bare baseline's time `library` takes in a row (paired per round). */
export function vsBare(results: Results, row: RowResults, library: Library): number | undefined {
  const own = row.series.get(library.name);
  const base = results.rows
    .find((r) => r.row.id === row.row.baseline)
    ?.series.get(results.baseline.name);
  return own === undefined || base === undefined
    ? undefined
    : pairedRatio(own.nsPerOp, base.nsPerOp);
}

/**
 * How many times faster {@link Results.ours} is than `peer` in a row: the peer's time divided by
 * ours, paired per round. Above 1, ours is faster.
 */
export function speedup(results: Results, row: RowResults, peer: Library): number | undefined {
  return paired(row, peer, results.ours);
}

/**
 * How many times the floor's time {@link Results.ours} (or `library`) takes in a row, paired per
 * round; undefined in a row without a floor.
 */
export function vsFloor(
  results: Results,
  row: RowResults,
  library: Library = results.ours,
): number | undefined {
  return paired(row, library, results.floor);
}

/**
 * How many times the skeleton's time {@link Results.ours} takes in a row, paired per round: what
 * its bookkeeping costs; undefined in a row without a skeleton.
 */
export function vsSkeleton(results: Results, row: RowResults): number | undefined {
  return paired(row, results.ours, results.skeleton);
}

/** `a`'s time divided by `b`'s in a row, paired per round; undefined if either took no part. */
function paired(row: RowResults, a: Library, b: Library): number | undefined {
  const own = row.series.get(a.name);
  const other = row.series.get(b.name);
  return own === undefined || other === undefined
    ? undefined
    : pairedRatio(own.nsPerOp, other.nsPerOp);
}
