import { markdownTable, type Table, textTable } from '../detect/table.ts';
import type { DashboardResults } from './run-dashboard.ts';

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const kb = (bytes: number) => `${(bytes / 1_024).toFixed(0)} kB`;

/** The two scenes, one row each. */
export function dashboardTable(results: DashboardResults): Table {
  const { plan, reading, stalled } = results;
  const perStalled = Math.max(0, stalled.rssMost - stalled.rssBefore) / plan.streams;
  return {
    header: ['scene', 'server CPU (one core = 100 %)', 'server resident memory', 'streams'],
    rows: [
      [
        `${plan.streams} readers that keep up`,
        `${(reading.cpu * 100).toFixed(1)} %`,
        `${mb(reading.rss)} at most`,
        `${reading.open} open; each received ${reading.eventsPerSecond.toFixed(2)} snapshots/s, ${kb(reading.bytesPerSecond)}/s`,
      ],
      [
        `${plan.streams} readers that never read`,
        '—',
        `${mb(stalled.rssBefore)} before, ${mb(stalled.rssMost)} at most: ${kb(perStalled)} per reader`,
        `${stalled.dropped} dropped${Number.isNaN(stalled.droppedWithinMs) ? '' : `, all within ${(stalled.droppedWithinMs / 1_000).toFixed(1)} s`}`,
      ],
    ],
    labels: 1,
  };
}

/** The run as text for the terminal. */
export function renderDashboardText(results: DashboardResults): string {
  return [
    `Dashboard: ${results.plan.breakers} breakers with ${results.plan.nameBytes}-byte names`,
    textTable(dashboardTable(results)),
    ...results.problems.map((p) => `PROBLEM  ${p}`),
  ].join('\n');
}

/** The run as a section of BENCHMARKS.md (for `writeSection(file, 'dashboard', …)`). */
export function renderDashboardMarkdown(results: DashboardResults): string {
  const { plan } = results;
  return [
    '_Written by `pnpm bench` (bench/src/dashboard/); edits are lost on the next run._',
    '',
    '## Dashboard',
    '',
    `The dashboard's server in a process of its own: a registry of ${plan.breakers.toLocaleString('en')} breakers named by ${plan.nameBytes.toLocaleString('en')}-byte paths, each seeing a call a second, and \`dashboardHandler(registry)\` with its defaults (a snapshot every second, names cut to 120 characters in the stream, 1 MiB of buffer per stream) on node:http at 127.0.0.1. Its CPU is \`process.cpuUsage()\` over ${(plan.measureMs / 1_000).toFixed(0)} s after ${(plan.warmupMs / 1_000).toFixed(0)} s of warm-up, its memory \`process.memoryUsage().rss\` read every second; the readers run in the benchmark's process. Budget: under 25 % of a core and 300 MB with ${plan.streams} readers; readers that never read cost at most their buffer each and are dropped.`,
    '',
    markdownTable(dashboardTable(results)),
    ...(results.problems.length === 0
      ? []
      : ['', '### Problems found by the run', '', ...results.problems.map((p) => `- ${p}`)]),
  ].join('\n');
}
