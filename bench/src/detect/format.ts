/** A duration for a table: milliseconds below a second, else seconds. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1_000).toFixed(ms < 100_000 ? 2 : 0)} s`;
}

/** A rate for a column heading: `1,000/s`. */
export function rate(callsPerSecond: number): string {
  return `${callsPerSecond.toLocaleString('en')}/s`;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en');
}
