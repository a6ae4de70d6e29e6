import type { HttpPlan } from './plan.ts';
import type { HttpPair, PreparedHttp, Sample } from './types.ts';

/** A pair whose two subjects are ready to sample. */
export interface PreparedPair {
  pair: HttpPair;
  without: PreparedHttp;
  with: PreparedHttp;
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

/** Both series of a pair, measured in the same rounds. */
export interface PairSeries {
  without: HttpSeries;
  with: HttpSeries;
}

type Side = 'without' | 'with';

// A B B A cancels a steady drift of the machine within the round; alternating it with B A A B
// cancels whatever going first after the previous pair does (here, in trials, the order of two
// back-to-back samples moved their ratio by several per cent).
const orders: readonly (readonly Side[])[] = [
  ['without', 'with', 'with', 'without'],
  ['with', 'without', 'without', 'with'],
];

/**
 * Samples every pair in interleaved rounds. In each round, each pair takes two samples of each
 * of its subjects, in the order A B B A in one round and B A A B in the next, and the round's
 * figure for a subject pools its two samples; each round starts one pair further along, so a
 * slow patch of the shared machine lands on every pair alike. One untimed sample of `warmupMs`
 * per subject comes first.
 */
export async function measureHttp(
  pairs: readonly PreparedPair[],
  plan: HttpPlan,
): Promise<Map<string, PairSeries>> {
  const results = new Map<string, PairSeries>();
  for (const { pair, without, with: withBreaker } of pairs) {
    const series: PairSeries = { without: emptySeries(), with: emptySeries() };
    results.set(pair.id, series);
    count(series.without, await sampleAfterSettling(without, plan.warmupMs));
    count(series.with, await sampleAfterSettling(withBreaker, plan.warmupMs));
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (let k = 0; k < pairs.length; k++) {
      const prepared = pairs[(round + k) % pairs.length] as PreparedPair;
      const series = results.get(prepared.pair.id) as PairSeries;
      const pooled = { without: emptySample(), with: emptySample() };
      for (const side of orders[round % orders.length] as readonly Side[]) {
        const sample = await sampleAfterSettling(prepared[side], plan.sampleMs);
        count(series[side], sample);
        pool(pooled[side], sample);
      }
      for (const side of ['without', 'with'] as const) {
        const { requests, elapsedMs, cpuUs } = pooled[side];
        series[side].rps.push((requests * 1000) / elapsedMs);
        series[side].cpuUsPerRequest.push(cpuUs / requests);
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
