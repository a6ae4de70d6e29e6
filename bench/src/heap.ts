import { median } from './stats.ts';
import type { IdleBreaker } from './types.ts';

/** What one idle breaker costs in memory. */
export interface HeapCost {
  /** Bytes of V8 heap per breaker (`process.memoryUsage().heapUsed`). */
  heapBytes: number;
  /** Bytes outside the V8 heap per breaker (`external`, which includes array buffers). */
  externalBytes: number;
}

/** How many breakers to build per trial, and how many trials to take the median of. */
export interface HeapPlan {
  count: number;
  trials: number;
}

/** Builds `plan.count` idle breakers, `plan.trials` times, and returns the median cost of one. */
export async function heapPerBreaker(idle: IdleBreaker, plan: HeapPlan): Promise<HeapCost> {
  const heap: number[] = [];
  const external: number[] = [];
  for (let trial = 0; trial < plan.trials; trial++) {
    const cost = await oneTrial(idle, plan.count);
    heap.push(cost.heapBytes);
    external.push(cost.externalBytes);
  }
  return { heapBytes: median(heap), externalBytes: median(external) };
}

async function oneTrial(idle: IdleBreaker, count: number): Promise<HeapCost> {
  // Allocated before the first reading, so the array that keeps the breakers alive is not
  // counted as theirs.
  const kept: (object | null)[] = new Array<object | null>(count).fill(null);
  await collect();
  const before = process.memoryUsage();
  for (let i = 0; i < count; i++) kept[i] = idle.create();
  await collect();
  const after = process.memoryUsage();
  // Reading the array after the second reading keeps every breaker reachable until then.
  const built = kept.filter((breaker) => breaker !== null);
  if (built.length !== count) throw new Error(`expected ${count} breakers, found ${built.length}`);
  if (idle.dispose !== undefined) for (const breaker of built) idle.dispose(breaker);
  return {
    heapBytes: (after.heapUsed - before.heapUsed) / count,
    externalBytes: (after.external - before.external) / count,
  };
}

/** Full collections until nothing is left to collect, with turns of the loop for finalizers. */
async function collect(): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run node with --expose-gc to measure the heap');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
