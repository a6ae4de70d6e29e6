import { median, pairedDifference, pairedRatio, relativeSpread } from '../stats.ts';
import type { PairSeries } from './measure-http.ts';
import type { HttpPlan } from './plan.ts';
import type { HttpPair } from './types.ts';

/** Everything the HTTP part of a run measured. */
export interface HttpResults {
  plan: HttpPlan;
  /** The packages measured and measuring, with their versions, for the report. */
  versions: string;
  pairs: readonly { pair: HttpPair; series: PairSeries }[];
  /** What the run found wrong: errors, or a breaker that did not see the traffic. */
  problems: readonly string[];
  /** Wall-clock milliseconds of the HTTP part. */
  elapsedMs: number;
}

/** The median requests per second of one side of a pair, and its spread across rounds. */
export function medianRps(series: PairSeries, side: 'without' | 'with'): [number, number] {
  const { rps } = series[side];
  return [median(rps), relativeSpread(rps)];
}

/**
 * The throughput kept with the breaker: the median of the per-round ratios with ÷ without, each
 * from samples taken back to back.
 */
export function keptRatio(series: PairSeries): number {
  return pairedRatio(series.with.rps, series.without.rps);
}

/**
 * For a pair with a floor: the throughput the floor keeps of the bare one (floor ÷ without), and
 * the breaker of the floor's (with ÷ floor), each the median of the per-round ratios; and the
 * server CPU per request the breaker adds beyond the floor (the median of the per-round
 * differences with − floor). Undefined for a pair without a floor.
 */
export function againstFloor(
  series: PairSeries,
): { floorKept: number; keptOfFloor: number; cpuBeyondFloor: number } | undefined {
  const floor = series.floor;
  if (floor === undefined) return undefined;
  return {
    floorKept: pairedRatio(floor.rps, series.without.rps),
    keptOfFloor: pairedRatio(series.with.rps, floor.rps),
    cpuBeyondFloor: pairedDifference(series.with.cpuUsPerRequest, floor.cpuUsPerRequest),
  };
}

/** The lowest and the highest per-round ratio with ÷ without. */
export function ratioRange(series: PairSeries): [number, number] {
  const ratios = series.with.rps.map((rps, i) => rps / (series.without.rps[i] as number));
  return [Math.min(...ratios), Math.max(...ratios)];
}

/**
 * The median CPU microseconds per request without the breaker, and the median of the per-round
 * differences with − without: what the breaker adds to the work of the thread it runs on.
 */
export function cpuPerRequest(series: PairSeries): [number, number] {
  const without = series.without.cpuUsPerRequest;
  return [median(without), pairedDifference(series.with.cpuUsPerRequest, without)];
}
