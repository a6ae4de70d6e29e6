import type { HttpPlan } from './plan.ts';
import type { HttpPair, PreparedHttp, Sample } from './types.ts';

/** A pair whose two subjects are ready to sample. */
export interface PreparedPair {
  pair: HttpPair;
  without: PreparedHttp;
  with: PreparedHttp;
  floor?: PreparedHttp;
}

/** What was measured of one subject. */
export interface HttpSeries {
  /** Requests per second, one value per timed round, in round order. */
  rps: number[];
  /** CPU microseconds per request of the thread doing the compared work, one value per round. */
  cpuUsPerRequest: number[];
  /** Requests answered as expected, warm-up included: what its breaker should have recorded. */
  answered: number;
  /** Requests that went wrong, warm-up included. */
  errors: number;
  firstError?: string;
}

/** The series of a pair, measured in the same rounds: the floor's too, when it has one. */
export interface PairSeries {
  without: HttpSeries;
  with: HttpSeries;
  floor?: HttpSeries;
}

/** A subject of a pair. */
export type Side = 'without' | 'floor' | 'with';

/** The subjects of a pair, in table order. */
function sidesOf(pair: PreparedPair): Side[] {
  return pair.floor === undefined ? ['without', 'with'] : ['without', 'floor', 'with'];
}

/**
 * The order of a round's samples: A B B A (A B C C B A with a floor) cancels a steady drift of
 * the machine within the round; alternating it with B A A B (C B A A B C) cancels whatever going
 * first after the previous pair does (here, in trials, the order of two back-to-back samples
 * moved their ratio by several per cent).
 */
function orderOf(pair: PreparedPair, round: number): Side[] {
  const sides = sidesOf(pair);
  if (round % 2 === 1) sides.reverse();
  return [...sides, ...[...sides].reverse()];
}

/**
 * Samples every pair in interleaved rounds. In each round, each pair takes two samples of each
 * of its subjects (see {@link orderOf} for their order), and the round's
 * figure for a subject pools its two samples; each round starts one pair further along, so a
 * slow patch of the shared machine lands on every pair alike. One untimed sample of `warmupMs`
 * per subject comes first.
 */
export async function measureHttp(
  pairs: readonly PreparedPair[],
  plan: HttpPlan,
): Promise<Map<string, PairSeries>> {
  const results = new Map<string, PairSeries>();
  for (const prepared of pairs) {
    const series: PairSeries = { without: emptySeries(), with: emptySeries() };
    if (prepared.floor !== undefined) series.floor = emptySeries();
    results.set(prepared.pair.id, series);
    for (const side of sidesOf(prepared)) {
      count(
        seriesOf(series, side),
        await sampleAfterSettling(subjectOf(prepared, side), plan.warmupMs),
      );
    }
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (let k = 0; k < pairs.length; k++) {
      const prepared = pairs[(round + k) % pairs.length] as PreparedPair;
      const series = results.get(prepared.pair.id) as PairSeries;
      const pooled = new Map<Side, Sample>();
      for (const side of orderOf(prepared, round)) {
        const sample = await sampleAfterSettling(subjectOf(prepared, side), plan.sampleMs);
        count(seriesOf(series, side), sample);
        if (!pooled.has(side)) pooled.set(side, emptySample());
        pool(pooled.get(side) as Sample, sample);
      }
      for (const [side, { requests, elapsedMs, cpuUs }] of pooled) {
        seriesOf(series, side).rps.push((requests * 1000) / elapsedMs);
        seriesOf(series, side).cpuUsPerRequest.push(cpuUs / requests);
      }
    }
    plan.onRound?.(round + 1);
  }
  return results;
}

/**
 * A full collection first, so a sample pays for the garbage it makes in this thread and not for
 * the previous subject's (the client subjects share this heap), then a turn of the event loop.
 */
async function sampleAfterSettling(subject: PreparedHttp, ms: number): Promise<Sample> {
  globalThis.gc?.();
  await new Promise<void>((resolve) => setImmediate(resolve));
  return subject.sample(ms);
}

function subjectOf(pair: PreparedPair, side: Side): PreparedHttp {
  return pair[side] as PreparedHttp;
}

function seriesOf(series: PairSeries, side: Side): HttpSeries {
  return series[side] as HttpSeries;
}

function emptySeries(): HttpSeries {
  return { rps: [], cpuUsPerRequest: [], answered: 0, errors: 0 };
}

function emptySample(): Sample {
  return { requests: 0, elapsedMs: 0, cpuUs: 0, errors: 0 };
}

function count(series: HttpSeries, sample: Sample): void {
  series.answered += sample.requests;
  series.errors += sample.errors;
  if (sample.firstError !== undefined) series.firstError ??= sample.firstError;
}

function pool(into: Sample, sample: Sample): void {
  into.requests += sample.requests;
  into.elapsedMs += sample.elapsedMs;
  into.cpuUs += sample.cpuUs;
}
