import type { Op } from './types.ts';

/** Something to time: an id for the results and the call to repeat. */
export interface Entry {
  id: string;
  op: Op;
}

/** What was measured for one entry. */
export interface Series {
  /** Nanoseconds per operation, one value per round, in round order. */
  nsPerOp: number[];
  /** Operations run in the timed samples. */
  calls: number;
  /** Of those, how many rejected. */
  rejected: number;
}

/** How long to measure. */
export interface Plan {
  /** Untimed rounds first, for the JIT and to calibrate the sample size. */
  warmupRounds: number;
  /** How long each entry runs per warm-up round, in milliseconds. */
  warmupMs: number;
  /** Timed rounds; each times every entry once. */
  rounds: number;
  /** About how long one timed sample lasts, in milliseconds. */
  sampleMs: number;
  /**
   * Whether a full collection precedes each sample (default true). Not for clients whose speed a
   * forced collection disturbs for long after it (see adapters/run-adapters.ts).
   */
  collect?: boolean;
  /** Called after each timed round, for progress. */
  onRound?: (round: number) => void;
}

/**
 * Times every entry in interleaved rounds: each round takes one sample of every entry, starting
 * one entry further along each time, so a slow patch of the shared machine lands on every entry
 * alike rather than on whichever ran during it.
 *
 * Why a hand-written loop rather than tinybench: tinybench times each invocation on its own (two
 * clock reads around one call of 50 to 1000 ns, so the clock's cost and resolution would weigh
 * on the result), and it runs one task to the end before the next, which leaves no room to
 * interleave. Here a sample is a batch of awaited calls between two `process.hrtime.bigint()`
 * reads, and every entry goes through the same loop, so the loop's cost is the same for all and
 * cancels out of the ratios.
 */
export async function measureInterleaved(
  entries: readonly Entry[],
  plan: Plan,
): Promise<Map<string, Series>> {
  const batch = new Map<string, number>();
  for (let round = 0; round < plan.warmupRounds; round++) {
    for (const entry of entries) {
      await settle(plan.collect ?? true);
      batch.set(entry.id, await calibrate(entry.op, plan.warmupMs, plan.sampleMs));
    }
  }
  const results = new Map<string, Series>();
  for (const entry of entries) results.set(entry.id, { nsPerOp: [], calls: 0, rejected: 0 });
  for (let round = 0; round < plan.rounds; round++) {
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[(round + k) % entries.length] as Entry;
      const iterations = batch.get(entry.id) ?? 1_000;
      const series = results.get(entry.id) as Series;
      await settle(plan.collect ?? true);
      const { ns, rejected } = await sample(entry.op, iterations);
      series.nsPerOp.push(ns / iterations);
      series.calls += iterations;
      series.rejected += rejected;
    }
    plan.onRound?.(round + 1);
  }
  return results;
}

/**
 * Runs `op` for about `ms` and returns how many calls fill a sample of `sampleMs`.
 */
async function calibrate(op: Op, ms: number, sampleMs: number): Promise<number> {
  let iterations = 0;
  let ns = 0;
  while (ns < ms * 1e6) {
    ns += (await sample(op, 1_000)).ns;
    iterations += 1_000;
  }
  return Math.max(1_000, Math.round((sampleMs * 1e6 * iterations) / ns));
}

/** Awaits `op` `iterations` times in a row; returns the elapsed nanoseconds and the rejections. */
async function sample(op: Op, iterations: number): Promise<{ ns: number; rejected: number }> {
  let rejected = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    try {
      await op();
    } catch {
      rejected++;
    }
  }
  return { ns: Number(process.hrtime.bigint() - start), rejected };
}

/**
 * Clears the ground before a sample: a full collection (when `collect`), so a sample pays for the
 * garbage it makes and not for the previous entry's, then a turn of the event loop, so timers that came due (such
 * as opossum's bucket rotation) run outside the timed loop, which never yields to them.
 */
async function settle(collect: boolean): Promise<void> {
  if (collect) globalThis.gc?.();
  await new Promise<void>((resolve) => setImmediate(resolve));
}
