import type { CallRecord, ScenarioResult, TimelineEntry } from './scenario.ts';

/** One timeline line: elapsed seconds, where it came from, what happened. */
export function formatEntry(entry: TimelineEntry): string {
  return `${(entry.atMs / 1000).toFixed(2).padStart(6)}s  ${entry.source.padEnd(24)}  ${entry.text}`;
}

/**
 * The per-phase table: for each client, calls made, requests that reached the upstream, calls
 * refused by a breaker, failed calls, and the latency callers saw.
 */
export function formatReport(
  result: ScenarioResult,
  phases: readonly string[],
  clients: readonly string[],
): string {
  const header = [
    'phase',
    'client',
    'calls',
    'reached upstream',
    'refused fast',
    'errors',
    'ok',
    'p50',
    'p95',
  ];
  const rows: string[][] = [];
  for (const phase of phases) {
    for (const client of clients) {
      const calls = result.calls.filter((c) => c.phase === phase && c.client === client);
      const count = (r: CallRecord['result']) => String(calls.filter((c) => c.result === r).length);
      const latencies = calls.map((c) => c.latencyMs).sort((a, b) => a - b);
      rows.push([
        phase,
        client,
        String(calls.length),
        String(result.reached.get(phase)?.get(client) ?? 0),
        count('refused'),
        count('error'),
        count('ok'),
        ms(percentile(latencies, 0.5)),
        ms(percentile(latencies, 0.95)),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** What the breakers saved while the upstream failed: requests it was spared, and waiting. */
export function formatSavings(
  result: ScenarioResult,
  baseline: string,
  protectedClients: readonly string[],
): string {
  const failing = (client: string) =>
    result.calls.filter((c) => c.phase === 'failing' && c.client === client);
  const median = (client: string) =>
    percentile(
      failing(client)
        .map((c) => c.latencyMs)
        .sort((a, b) => a - b),
      0.5,
    );
  const reached = (client: string) => result.reached.get('failing')?.get(client) ?? 0;
  const lines = [
    `While the upstream was failing, the client without a breaker sent it ${reached(baseline)} requests`,
    `(retries included) and its callers waited ${ms(median(baseline))} (median) for each failure. With breakers:`,
  ];
  for (const client of protectedClients) {
    lines.push(
      `  ${client}: ${reached(client)} requests reached the upstream; median wait ${ms(median(client))}`,
    );
  }
  return lines.join('\n');
}

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function ms(value: number | undefined): string {
  if (value === undefined) return '-';
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}
