import {
  failingLatencyMs,
  healthyLatencyMs,
  overload,
  overloadCapacity,
  ratesOf,
  type Verdict,
} from '@tripswitch/simulator';
import { verdictMarkdown, verdictText } from '../targets.ts';
import type { Contender } from './contender.ts';
import { duration, rate } from './format.ts';
import type { DetectResults } from './results.ts';
import { markdownTable, type Table, textTable } from './table.ts';
import type { View } from './views.ts';

/** The rows of one table of a scenario: one per contender (and per variant, when it has several). */
function scenarioTable(results: DetectResults, view: View, column: View['tables'][number]): Table {
  const { scenario } = view;
  const rates = ratesOf(scenario);
  const several = scenario.variants.length > 1;
  const rows: string[][] = [];
  for (const variant of scenario.variants) {
    for (const contender of results.contenders) {
      const metrics = results.measurements.get(contender.name)?.metrics;
      const cells = rates.map((r) => {
        const m = metrics?.get(`${scenario.number}/${variant.label}/${r}`);
        return m === undefined ? '—' : column.cell(m);
      });
      rows.push(several ? [contender.name, variant.label, ...cells] : [contender.name, ...cells]);
    }
  }
  return {
    header: ['contender', ...(several ? ['variant'] : []), ...rates.map((r) => rate(r))],
    rows,
    labels: several ? 2 : 1,
  };
}

/** Which contender meets which target of `verdicts`: one row per target. */
function targetTable(
  results: DetectResults,
  verdicts: ReadonlyMap<string, readonly Verdict[]>,
): Table {
  const first = verdicts.get(results.contenders[0]?.name ?? '') ?? [];
  return {
    header: ['target', ...results.contenders.map((c) => c.name)],
    rows: first.map((verdict, i) => [
      verdict.target,
      ...results.contenders.map((c) => {
        const v = verdicts.get(c.name)?.[i];
        return v === undefined ? '—' : v.met ? '✅' : '❌';
      }),
    ]),
    labels: 1,
  };
}

/** The verdicts of `contender`, each with its evidence, as a Markdown list. */
function verdictList(verdicts: readonly Verdict[]): string[] {
  return verdicts.map(verdictMarkdown);
}

function setupTable(contenders: readonly Contender[]): Table {
  return {
    header: ['contender', 'library', 'setup'],
    rows: contenders.map((c) => [c.name, c.library, `\`${c.setup}\``]),
    labels: 3,
  };
}

function driverSentence(results: DetectResults): string {
  const { runs, differing } = results.driverCheck;
  return differing.length === 0
    ? `Tripswitch's defaults also ran through \`execute()\`, asynchronously like the peers (promise reactions flushed after every event): the traces were identical to the permit driver's in all ${runs} runs.`
    : `Tripswitch's defaults also ran through \`execute()\`: its traces DIFFERED from the permit driver's in ${differing.length} of ${runs} runs (${differing.join(', ')}).`;
}

/** The run as text for the terminal. */
export function renderDetectText(results: DetectResults, views: readonly View[]): string {
  const lines: string[] = [];
  for (const view of views) {
    const { scenario } = view;
    lines.push(`${scenario.number}. ${scenario.title}`);
    for (const column of view.tables) {
      lines.push(`   ${column.caption}`, textTable(scenarioTable(results, view, column)), '');
    }
  }
  const defaults = results.contenders[0];
  lines.push(`Targets for ${defaults?.name ?? 'Tripswitch'}:`);
  for (const v of results.verdicts.get(defaults?.name ?? '') ?? []) {
    lines.push(verdictText(v));
  }
  lines.push('', `Targets for ${throttlingName}:`);
  for (const v of results.throttlingVerdicts.get(throttlingName) ?? []) {
    lines.push(verdictText(v));
  }
  lines.push('', driverSentence(results));
  return lines.join('\n');
}

/** The run as the detection section of BENCHMARKS.md. */
export function renderDetectMarkdown(results: DetectResults, views: readonly View[]): string {
  const env = results.environment;
  const libraries = [...new Set(results.contenders.map((c) => c.library))].join(', ');
  return [
    '## Detection quality',
    '',
    '_Written by `pnpm bench:detect` (bench/src/detect/main.ts); edits are lost on the next run._',
    '',
    `- Date: ${env.date}`,
    `- Node.js: ${env.node}`,
    `- Commit: ${env.commit}`,
    `- Libraries: ${libraries}`,
    '',
    paragraph(
      'How quickly each breaker stops traffic into an outage, how well it leaves a healthy service',
      'alone, and how soon it notices the service is back: a deterministic discrete-event simulation',
      '(tools/simulator) on a virtual clock, so every number is the same on every machine and every',
      'run. Calls are issued at a fixed rate of 10, 100 and 1,000 per second. A healthy call takes',
      `${healthyLatencyMs} ms; a failing call fails in ${failingLatencyMs.min} to ${failingLatencyMs.max} ms, as a service`,
      'that is down refuses connections; randomness (which calls fail, how fast) is seeded per call,',
      'so every breaker meets the same calls. Within one millisecond, answers arrive before the next',
      `call is issued. Scenario ${overload.number} gives the service a capacity (${overloadCapacity.callsPerSecond} calls a`,
      'second) and offers it twice that; a call beyond capacity fails as fast as a failing call.',
      'Tripswitch runs on its injected `clock` through its permit API (`tryAcquire()`,',
      '`success()`, `failure()`); opossum and cockatiel run through `fire()` and `execute()`, with',
      '`@sinonjs/fake-timers` driving their `Date` and timers and every promise reaction flushed on',
      'the real event loop between events.',
    ),
    '',
    "### Targets for Tripswitch's defaults (issue 8)",
    '',
    paragraph(
      "The targets are set for Tripswitch's defaults; the other columns show how the same yardstick",
      'reads on the other configurations.',
    ),
    '',
    markdownTable(targetTable(results, results.verdicts)),
    '',
    `In detail, for ${results.contenders[0]?.name ?? 'Tripswitch'}:`,
    '',
    ...verdictList(results.verdicts.get(results.contenders[0]?.name ?? '') ?? []),
    '',
    `### Targets for ${throttlingName} (issue 16)`,
    '',
    paragraph(
      'Under overload, a breaker should get done nearly all the work the service can do and send',
      `it little beyond that (scenario ${overload.number}); the targets are set for Tripswitch with`,
      '`adaptiveThrottling()`.',
    ),
    '',
    markdownTable(targetTable(results, results.throttlingVerdicts)),
    '',
    `In detail, for ${throttlingName}:`,
    '',
    ...verdictList(results.throttlingVerdicts.get(throttlingName) ?? []),
    '',
    ...views.flatMap((view) => [
      `### ${view.scenario.number}. ${view.scenario.title}`,
      '',
      view.scenario.description,
      '',
      ...view.tables.flatMap((column) => [
        `_${column.caption}._`,
        '',
        markdownTable(scenarioTable(results, view, column)),
        '',
      ]),
    ]),
    '### Contenders',
    '',
    markdownTable(setupTable(results.contenders)),
    '',
    ...results.contenders.flatMap((c) => (c.notes ?? []).map((note) => `- ${c.name}: ${note}`)),
    '',
    '### Method',
    '',
    paragraph(
      'Each run builds a fresh breaker at virtual time 0 and issues calls one interval apart for',
      "the scenario's duration, then lets the calls in flight answer. The trace records every call",
      '(issued, sent or refused, answered, outcome) and every transition with its virtual time;',
      'the metrics are read from it (tools/simulator/src/measures.ts), and the targets are',
      'tools/simulator/src/targets.ts, the same definitions the detection tests of `@tripswitch/core`',
      `assert. The whole run took ${duration(results.elapsedMs)} of wall-clock time.`,
    ),
    '',
    driverSentence(results),
  ].join('\n');
}

/** The contender the throttling targets are about. */
const throttlingName = 'Tripswitch throttling';

function paragraph(...lines: string[]): string {
  return lines.join(' ');
}
