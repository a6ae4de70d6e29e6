import { type Entry, measureInterleaved, type Plan, type Series } from '../measure.ts';
import { median, pairedRatio, relativeSpread } from '../stats.ts';
import { type AdapterRow, type AdapterSide, adapterRows, adapterSides } from './adapter-rows.ts';

/** What one row measured: a series per side. */
export interface AdapterRowResults {
  row: AdapterRow;
  series: Readonly<Record<AdapterSide, Series>>;
}

/** Everything the adapter part of a run measured. */
export interface AdapterResults {
  plan: Plan;
  rows: readonly AdapterRowResults[];
  /** What the run found wrong: rejected calls, or a breaker that did not see the traffic. */
  problems: readonly string[];
}

/**
 * Times every side of every row of {@link adapterRows} in the interleaved rounds of the calls
 * table (measure.ts), then checks that no call rejected and that every breaker saw its calls.
 */
export async function runAdapters(plan: Plan): Promise<AdapterResults> {
  const prepared = adapterRows.map((row) => ({ row, ready: row.prepare() }));
  // Side by side, client after client: each sample follows a sample of another client, so no
  // side pays more often than another for switching from one library's code to another's (with
  // a client's sides next to each other, the first of them paid it in nearly every round).
  const entries: Entry[] = adapterSides.flatMap((side) =>
    prepared.map(({ row, ready }) => ({ id: `${row.id}/${side}`, op: ready.ops[side] })),
  );
  // No full collection before each sample, unlike the calls table: after a forced one, got and
  // undici ran their requests 3 to 4 times slower for thousands of requests (got ~115 µs instead
  // of ~40, undici ~7 µs instead of ~2, seen here batch by batch after gc()), so every sample
  // measured the recovery rather than a client in use. The rotation of the rounds spreads the
  // collections that the calls cause over every side alike.
  const measured = await measureInterleaved(entries, { ...plan, collect: false });
  const problems: string[] = [];
  const rows = prepared.map(({ row, ready }): AdapterRowResults => {
    const series = Object.fromEntries(
      adapterSides.map((side) => [side, measured.get(`${row.id}/${side}`) as Series]),
    ) as Record<AdapterSide, Series>;
    for (const side of adapterSides) {
      const { rejected, calls } = series[side];
      if (rejected > 0) problems.push(`${row.id} ${side}: ${rejected} of ${calls} calls rejected`);
    }
    const calls = Object.fromEntries(adapterSides.map((s) => [s, series[s].calls])) as Record<
      AdapterSide,
      number
    >;
    problems.push(...ready.check(calls).map((p) => `${row.id}: ${p}`));
    return { row, series };
  });
  return { plan, rows, problems };
}

/** The median µs per call of one side, and its spread across rounds (a fraction). */
export function medianUs(results: AdapterRowResults, side: AdapterSide): [number, number] {
  const { nsPerOp } = results.series[side];
  return [median(nsPerOp) / 1000, relativeSpread(nsPerOp)];
}

/**
 * What `side` adds to the call of side `from` (the bare call unless told), in µs: the median of
 * the per-round differences.
 */
export function addedUs(
  results: AdapterRowResults,
  side: AdapterSide,
  from: AdapterSide = 'bare',
): number {
  return median(differencesNs(results, side, from)) / 1000;
}

/**
 * How far single rounds stray from {@link addedUs} with the same sides: the median absolute
 * deviation of the per-round differences, in µs. An added cost smaller than this is beyond what
 * the run resolves.
 */
export function addedSpreadUs(
  results: AdapterRowResults,
  side: AdapterSide,
  from: AdapterSide = 'bare',
): number {
  const added = differencesNs(results, side, from);
  const middle = median(added);
  return median(added.map((ns) => Math.abs(ns - middle))) / 1000;
}

// Per round, `side`'s ns per call less `from`'s: the sides of a round ran side by side.
function differencesNs(results: AdapterRowResults, side: AdapterSide, from: AdapterSide): number[] {
  const base = results.series[from].nsPerOp;
  return results.series[side].nsPerOp.map((ns, i) => ns - (base[i] as number));
}

/** `side`'s time over the bare call's: the median of the per-round ratios. */
export function vsBareCall(results: AdapterRowResults, side: AdapterSide): number {
  return pairedRatio(results.series[side].nsPerOp, results.series.bare.nsPerOp);
}
