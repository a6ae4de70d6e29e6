import { describe, expect, it } from 'vitest';
import { FleetCounts } from './fleet-counts.ts';

// Buckets of 1 s, a window of 10 of them; the breaker's clock starts at 100 s.
const t0 = 100_000;

/** Redis's answer to a batch when the fleet had `others` per bucket besides this process. */
function answer(batch: { increments: readonly number[] }, others: readonly number[] = []) {
  return batch.increments.map((n, i) => n + (others[i] ?? 0));
}

describe('FleetCounts', () => {
  it('has no figure before Redis answered', () => {
    const counts = new FleetCounts(1_000, 10);
    counts.record(true, false, t0);
    expect(counts.read(t0)).toBeUndefined();
  });

  it('batches what was recorded per bucket, over the window ending now', () => {
    const counts = new FleetCounts(1_000, 10);
    const mono = performance.now();
    counts.record(false, false, t0 + 100);
    counts.record(true, true, t0 + 900);
    counts.record(true, false, t0 + 1_200);
    const batch = counts.takeBatch(mono);
    expect(batch?.first).toBe(t0 / 1_000 + 1 - 9);
    const increments = [...(batch?.increments ?? [])];
    expect(increments).toHaveLength(30);
    expect(increments.slice(24)).toEqual([2, 1, 1, 1, 1, 0]);
    expect(increments.slice(0, 24).every((n) => n === 0)).toBe(true);
    expect(counts.hasPending).toBe(false);
    expect(counts.flushing).toBe(true);
    expect(counts.takeBatch(mono)).toBeUndefined(); // one batch at a time
  });

  it('adds the fleet’s figure to what this process has not had counted yet', () => {
    const counts = new FleetCounts(1_000, 10);
    counts.record(true, false, t0);
    const batch = counts.takeBatch(performance.now());
    if (batch === undefined) throw new Error('no batch');
    counts.record(true, true, t0 + 10); // recorded while the batch is on its way
    const others = new Array(30).fill(0);
    others[27] = 5; // five calls, two failed, elsewhere in the fleet, in the newest bucket
    others[28] = 2;
    counts.settle(batch, answer(batch, others), performance.now());
    expect(counts.read(t0 + 20)).toEqual({ calls: 7, failures: 4, slowCalls: 1 });
  });

  it('counts only the buckets inside the window ending at the time asked about', () => {
    const counts = new FleetCounts(1_000, 10);
    counts.record(false, false, t0);
    const batch = counts.takeBatch(performance.now());
    if (batch === undefined) throw new Error('no batch');
    const others = new Array(30).fill(0);
    others[0] = 100; // the oldest bucket of the window
    counts.settle(batch, answer(batch, others), performance.now());
    expect(counts.read(t0)?.calls).toBe(101);
    expect(counts.read(t0 + 1_000)?.calls).toBe(1); // the oldest bucket has left the window
    expect(counts.read(t0 + 10_000)?.calls).toBe(0);
  });

  it('drops a batch Redis did not take, and has no figure then', () => {
    const counts = new FleetCounts(1_000, 10);
    counts.record(true, false, t0);
    let batch = counts.takeBatch(performance.now());
    if (batch === undefined) throw new Error('no batch');
    counts.settle(batch, answer(batch), performance.now());
    counts.record(true, false, t0 + 1);
    batch = counts.takeBatch(performance.now());
    if (batch === undefined) throw new Error('no batch');
    counts.settle(batch, undefined, performance.now());
    expect(counts.read(t0 + 2)).toBeUndefined();
    expect(counts.flushing).toBe(false);
    expect(counts.hasPending).toBe(false);
  });

  it('stops using a figure that has grown old, or when Redis is away', () => {
    const counts = new FleetCounts(1_000, 10);
    counts.record(false, false, t0);
    const sent = performance.now();
    const batch = counts.takeBatch(sent);
    if (batch === undefined) throw new Error('no batch');
    counts.settle(batch, answer(batch), sent);
    counts.expire(sent + 499, 500);
    expect(counts.read(t0)).toBeDefined();
    counts.expire(sent + 501, 500);
    expect(counts.read(t0)).toBeUndefined();
    counts.settle(batch, answer(batch), sent);
    counts.invalidate();
    expect(counts.read(t0)).toBeUndefined();
  });

  it('keeps no more than a window of buckets while nothing is flushed', () => {
    const counts = new FleetCounts(1_000, 10);
    for (let second = 0; second < 1_000; second++) counts.record(true, false, t0 + second * 1_000);
    const batch = counts.takeBatch(performance.now());
    expect(batch?.increments.filter((n) => n > 0)).toHaveLength(20); // calls and failures of 10 buckets
    counts.settle(
      batch as NonNullable<typeof batch>,
      answer(batch as NonNullable<typeof batch>),
      0,
    );
    expect(counts.read(t0 + 999_000)?.calls).toBe(10);
  });

  it('reads the window that ends now on the breaker’s clock when nothing new was recorded', () => {
    const counts = new FleetCounts(1_000, 10);
    counts.record(false, false, t0);
    const mono = performance.now();
    const first = counts.takeBatch(mono);
    if (first === undefined) throw new Error('no batch');
    counts.settle(first, answer(first), mono);
    // Three seconds later on the monotonic clock, with no call recorded since.
    const later = counts.takeBatch(mono + 3_000);
    expect(later?.first).toBe((first.first as number) + 3);
  });
});
