import { exponentialBackoff, isCircuitTimeoutError } from '@tripswitch/core';
import { describeBehaviour } from './flaky-dependency.ts';
import {
  breakerSettings,
  type CallRecord,
  type PhaseName,
  type ScenarioResult,
  script,
  type TimelineEntry,
  traffic,
} from './scenario.ts';
import { type Latency, savings, summarize } from './summary.ts';

const indent = '  ';

/** The lines that introduce the run: the breaker's settings, the traffic, the script. */
export function formatHeader(): string[] {
  const s = breakerSettings;
  const totalMs = script.reduce((sum, phase) => sum + phase.durationMs, 0);
  const plan = script.map((phase) => `${phase.name} ${duration(phase.durationMs)}`).join(' → ');
  const rows: [string, string][] = [
    [
      `breaker "${s.name}"`,
      `opens when at least ${s.failureRateThreshold} % of the last ${s.windowSize} calls fail; a call times out after ${duration(s.timeoutMs)}`,
    ],
    [
      '',
      `stays open ${openDurations()} while trial calls fail; closes after ${s.halfOpenMaxCalls} trials succeed`,
    ],
    ['', 'refused and failed calls are answered by a fallback'],
    [
      'traffic',
      `one call every ${traffic.intervalMs} ms (${1_000 / traffic.intervalMs} a second) for ${duration(totalMs)}`,
    ],
    ['upstream', plan],
  ];
  return [
    'Tripswitch core demo: a circuit breaker in front of a flaky in-process dependency',
    '',
    ...rows.map(([key, value]) => `${indent}${key.padEnd(18)}  ${value}`),
    '',
    `${indent}${'elapsed'.padStart(7)}  ${'source'.padEnd(8)}  event`,
  ];
}

/** One line of the timeline: elapsed time, where the entry comes from, and what happened. */
export function formatEntry(entry: TimelineEntry): string {
  const line = (source: string, text: string): string =>
    `${indent}${seconds(entry.at).padStart(7)}  ${source.padEnd(8)}  ${text}`;
  switch (entry.kind) {
    case 'phase':
      return line(
        'upstream',
        `${entry.phase.headline}: ${describeBehaviour(entry.phase.behaviour)}`,
      );
    case 'state':
      return line('breaker', `${`${entry.from} → ${entry.to}`.padEnd(18)}  ${explain(entry)}`);
    case 'traffic':
      return line('traffic', describeTraffic(entry.calls));
    case 'end':
      return line('demo', 'done: every call has ended');
  }
}

/** The report after the timeline: a table per phase, then what the breaker saved. */
export function formatReport(result: ScenarioResult): string[] {
  return [...formatPhaseTable(result.calls), '', ...formatSavings(result.calls)];
}

function formatPhaseTable(calls: readonly CallRecord[]): string[] {
  const headers = [
    'phase',
    'calls',
    'reached',
    'refused',
    'ok',
    'errors',
    'timeouts',
    'refused p50',
    'admitted p50',
    'admitted p95',
  ];
  const row = (label: string, subset: readonly CallRecord[]): string[] => {
    const summary = summarize(subset);
    return [
      label,
      String(summary.attempted),
      String(summary.reached),
      String(summary.rejected),
      String(summary.successes),
      String(summary.errors),
      String(summary.timeouts),
      latencyOf(summary.rejectedLatency, 'median'),
      latencyOf(summary.admittedLatency, 'median'),
      latencyOf(summary.admittedLatency, 'p95'),
    ];
  };
  const rows = [
    ...script.map((phase) => row(phase.name, inPhase(calls, phase.name))),
    row('total', calls),
  ];
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((cells) => (cells[i] as string).length)),
  );
  // The first column is text, left-aligned; every other column is a number, right-aligned.
  const format = (cells: readonly string[]): string =>
    indent +
    cells
      .map((cell, i) =>
        i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
      )
      .join('  ');
  return [
    'Per phase (a call counts in the phase it started in)',
    '',
    format(headers),
    ...rows.map(format),
    '',
    `${indent}reached: let through to the upstream (ok + errors + timeouts); refused: answered at once by the fallback`,
    `${indent}p50, p95: how long the caller waited, refused calls and admitted calls apart`,
  ];
}

function formatSavings(calls: readonly CallRecord[]): string[] {
  const outage = script.find((phase) => phase.name === 'outage');
  const saved = savings(inPhase(calls, 'outage'), inPhase(calls, 'recovered'));
  const refusedLatency = summarize(inPhase(calls, 'outage')).rejectedLatency;
  const rows: [string, string, string][] = [
    ['calls made', String(saved.attempted), ''],
    [
      'reached the broken upstream',
      String(saved.reached),
      `${saved.reachedWhileClosed} before the circuit opened, ${saved.trials} trial calls`,
    ],
    [
      'refused at once, fallback served',
      String(saved.spared),
      `answered in ${latencyOf(refusedLatency, 'median')} (median); a call that reached it took ${ms(saved.failingCallMeanMs)} (mean)`,
    ],
    [
      'caller waiting spared',
      `≈ ${duration(Math.round(saved.waitSavedMs / 100) * 100)}`,
      `${saved.spared} refused calls × ${ms(saved.failingCallMeanMs)}`,
    ],
    [
      'price: refused after recovery',
      String(saved.refusedAfterRecovery),
      'before a trial call found the upstream healthy again',
    ],
  ];
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  return [
    `What the breaker saved during the ${duration(outage?.durationMs ?? 0)} outage: the broken upstream saw ${saved.reached} of ${saved.attempted} calls`,
    '',
    ...rows.map(([key, value, note]) =>
      `${indent}${key.padEnd(32)}  ${value.padStart(valueWidth)}  ${note}`.trimEnd(),
    ),
  ];
}

function explain(entry: Extract<TimelineEntry, { kind: 'state' }>): string {
  const openFor = entry.openForMs === undefined ? '' : `; open for ${duration(entry.openForMs)}`;
  const detail = ((): string => {
    switch (entry.reason) {
      case 'failure-rate':
        return `${entry.window.failures} of the last ${entry.window.calls} calls failed${openFor}`;
      case 'open-duration-elapsed':
        return `lets up to ${breakerSettings.halfOpenMaxCalls} trial calls through`;
      case 'trial-failed':
      case 'trial-timeout':
        return `${describeError(entry.lastFailure)}${openFor}`;
      case 'trials-succeeded':
        return `${breakerSettings.halfOpenMaxCalls} trials succeeded; the window starts empty`;
      default:
        return openFor.slice(2);
    }
  })();
  return `${entry.reason.padEnd(21)}  ${detail}`;
}

function describeTraffic(calls: readonly CallRecord[]): string {
  const s = summarize(calls);
  const cell = (label: string, count: number): string => `${label} ${String(count).padStart(2)}`;
  return [
    cell('calls ended', s.attempted),
    cell('ok', s.successes),
    cell('errors', s.errors),
    cell('timeouts', s.timeouts),
    cell('refused', s.rejected),
  ].join('   ');
}

function describeError(error: unknown): string {
  if (isCircuitTimeoutError(error)) return `the trial timed out after ${duration(error.timeoutMs)}`;
  if (error instanceof Error) return `the trial failed: ${error.message}`;
  return 'the trial failed';
}

function openDurations(): string {
  const backoff = exponentialBackoff(breakerSettings.openDuration);
  const steps: number[] = [];
  for (let attempt = 1; steps.at(-1) !== breakerSettings.openDuration.maxMs; attempt++) {
    steps.push(backoff(attempt));
  }
  const [first, ...rest] = steps.map(duration);
  return rest.length === 0 ? `${first}` : `${first}, then ${rest.join(', ')}`;
}

function inPhase(calls: readonly CallRecord[], phase: PhaseName): CallRecord[] {
  return calls.filter((call) => call.phase === phase);
}

function latencyOf(latency: Latency | undefined, which: keyof Latency): string {
  return latency === undefined ? '-' : ms(latency[which]);
}

/** A call's latency: two decimals below a millisecond, where refused calls live. */
function ms(value: number): string {
  if (value < 1) return `${value.toFixed(2)} ms`;
  if (value < 10) return `${value.toFixed(1)} ms`;
  return `${Math.round(value)} ms`;
}

/** A configured duration: `500 ms`, `2 s`, `3.5 s`. */
function duration(value: number): string {
  return value < 1_000 ? `${value} ms` : `${value / 1_000} s`;
}

function seconds(value: number): string {
  return `${(value / 1_000).toFixed(3)}s`;
}
