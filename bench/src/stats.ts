/** The median of `values` (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The median absolute deviation of `values`, as a fraction of their median. */
export function relativeSpread(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m))) / m;
}

/**
 * The median of the per-round ratios `a[i] / b[i]`. Both series come from the same rounds, so
 * each ratio compares two samples taken moments apart, and drift of the machine over the run
 * cancels out of it; the median then drops the rounds a neighbour disturbed.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push((a[i] as number) / (b[i] as number));
  return median(ratios);
}

/**
 * The median of the per-round differences `a[i] - b[i]`: what one series adds to the other, each
 * difference taken between samples of the same round (see {@link pairedRatio}).
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const differences: number[] = [];
  for (let i = 0; i < n; i++) differences.push((a[i] as number) - (b[i] as number));
  return median(differences);
}
