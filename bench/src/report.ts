import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { medianNs, type Results, speedup, spread, vsBare, vsFloor, vsSkeleton } from './results.ts';
import { type Verdict, verdictMarkdown, verdictText } from './targets.ts';
import type { Library } from './types.ts';

/** A table as header cells and rows of cells, rendered as text or as Markdown. */
interface Table {
  header: string[];
  rows: string[][];
  /** Whether the columns after the first hold numbers, to be aligned right. */
  numeric: boolean;
}

const dash = '—';
const ns = (value: number | undefined) => (value === undefined ? dash : value.toFixed(1));
const times = (value: number | undefined) => (value === undefined ? dash : `${value.toFixed(2)}×`);
const percent = (value: number | undefined) =>
  value === undefined ? '' : ` ±${(value * 100).toFixed(0)}%`;

/** Every library of the timing table, baseline and floors first. */
function columns(results: Results): Library[] {
  return [results.baseline, results.floor, results.skeleton, results.ours, ...results.peers];
}

/** Median ns per operation per library, then the ratios, one line per row. */
export function timingTable(results: Results): Table {
  const libraries = columns(results);
  const compared = [results.ours, ...results.peers];
  return {
    header: [
      'row',
      ...libraries.map((l) => `${l.name} ns/op`),
      ...compared.map((l) => `${l.name} ÷ bare`),
      `${results.ours.name} ÷ floor`,
      `${results.ours.name} ÷ ${results.skeleton.name}`,
      ...results.peers.map((p) => `${p.name} ÷ ${results.ours.name}`),
    ],
    rows: results.rows.map((row) => [
      row.row.title,
      ...libraries.map((l) => `${ns(medianNs(row, l))}${percent(spread(row, l))}`),
      ...compared.map((l) => times(vsBare(results, row, l))),
      times(vsFloor(results, row)),
      times(vsSkeleton(results, row)),
      ...results.peers.map((p) => times(speedup(results, row, p))),
    ]),
    numeric: true,
  };
}

/** Bytes per idle breaker, per library. */
export function heapTable(results: Results): Table {
  const ours = results.heap.find((h) => h.library === results.ours)?.cost.heapBytes;
  return {
    header: [
      'library',
      'heap bytes / breaker',
      'external bytes / breaker',
      `÷ ${results.ours.name}`,
    ],
    rows: results.heap.map(({ library, cost }) => [
      library.name,
      cost.heapBytes.toFixed(0),
      cost.externalBytes.toFixed(0),
      times(ours === undefined ? undefined : cost.heapBytes / ours),
    ]),
    numeric: true,
  };
}

/** How each library was set up, per row and for the heap measurement. */
function setupTable(results: Results): Table {
  const lines: string[][] = [];
  for (const library of [
    results.ours,
    ...results.peers,
    results.baseline,
    results.floor,
    results.skeleton,
  ]) {
    for (const { row } of results.rows) {
      const contender = library.rows[row.id];
      if (contender !== undefined) lines.push([library.name, row.title, code(contender.setup)]);
    }
    if (library.idle !== undefined) {
      lines.push([library.name, 'idle breaker (heap)', code(library.idle.setup)]);
    }
  }
  return { header: ['library', 'row', 'setup'], rows: lines, numeric: false };
}

/** The run as text for the terminal: both tables and the verdicts. */
export function renderText(results: Results, verdicts: readonly Verdict[]): string {
  return [
    'Median ns per call (± median absolute deviation across rounds);',
    'ratios are medians of per-round ratios. Lower ns is better; "peer ÷ Tripswitch" > 1 means Tripswitch is faster.',
    '',
    textTable(timingTable(results)),
    '',
    'Heap per idle breaker',
    textTable(heapTable(results)),
    '',
    ...verdicts.map(verdictText),
  ].join('\n');
}

/** The run as its section of the BENCHMARKS.md page (see {@link writeSection}). */
export function renderMarkdown(
  results: Results,
  verdicts: readonly Verdict[],
  problems: readonly string[],
): string {
  const { environment: env, plan, heapPlan, ours } = results;
  const versions = [ours, ...results.peers].map((l) => `${l.name} ${l.version}`).join(', ');
  return [
    '_Written by `pnpm bench` (bench/src/main.ts); edits are lost on the next run._',
    '',
    `- Date: ${env.date}`,
    `- Node.js: ${env.node} (V8 ${env.v8}), ${env.platform}`,
    `- CPU: ${env.cpu}, ${env.cores} logical cores`,
    `- Commit: ${env.commit}`,
    `- Libraries: ${versions}`,
    '',
    paragraph(
      'The machine that produced these numbers is shared and noisy. Read the ratios, which pair',
      'samples taken moments apart, rather than the absolute times, which move from run to run.',
    ),
    '',
    '## Calls',
    '',
    paragraph(
      'Median nanoseconds per awaited call (lower is better), ± the median absolute deviation',
      'across rounds. "÷ bare" divides by `await fn()` with the same function and no breaker;',
      `"peer ÷ ${ours.name}" above 1× means ${ours.name} is faster. Every ratio is the median of`,
      'the per-round ratios. "÷ floor" divides by the least any breaker could cost in the row,',
      'measured with no breaker (see each row).',
    ),
    '',
    markdownTable(timingTable(results)),
    '',
    ...results.rows.map(
      ({ row }) =>
        `- **${row.title}**: ${row.description}.${row.floor === undefined ? '' : ` Floor: ${row.floor}.`}`,
    ),
    '',
    '## Heap per idle breaker',
    '',
    paragraph(
      `${heapPlan.count.toLocaleString('en')} breakers built and kept alive, \`global.gc()\``,
      'before and after, the growth of `process.memoryUsage().heapUsed` (and of `external`)',
      `divided by their number; median of ${heapPlan.trials} trials.`,
    ),
    '',
    markdownTable(heapTable(results)),
    '',
    '## Targets',
    '',
    ...verdicts.map(verdictMarkdown),
    ...(problems.length === 0
      ? []
      : ['', '## Problems found by the run', '', ...problems.map((p) => `- ${p}`)]),
    '',
    '## Setup',
    '',
    paragraph(
      'Each library in its documented setup, configured alike where their defaults differ. The',
      'wrapped `succeed` and `fail` are `async` functions that resolve `42` and reject with one',
      '`Error` made once, so the rows measure the breakers rather than the work or the stack',
      'traces of the function. `work` parses 1 KB of JSON (a few microseconds) before it',
      'resolves: about the least a real dependency call costs. The open rows wrap a function that',
      'counts its calls; the run checks it was never called.',
    ),
    '',
    paragraph(
      'Why the do-nothing row is judged against its floor rather than the bare call: a breaker',
      'must observe the outcome of the call, which costs a promise reaction and a microtask more',
      "than a plain `await`. Attaching two reactions made once to the function's own promise (the",
      'floor) is what any breaker pays at least; what it adds beyond that is its own cost.',
    ),
    '',
    paragraph(
      `The ${results.skeleton.name} is a breaker with no bookkeeping: what any breaker does before it`,
      'counts anything. It calls the function through one function of its own, as the floor does,',
      "but one V8 keeps as a frame, as it keeps a breaker's entry point (the floor's `through` is",
      'inlined into its caller, where a breaker holds its admission and settlement code, too much',
      "to inline; the skeleton's `passOn` is made too big to inline, over the 460 bytes of bytecode",
      "of V8's `--max-inlined-bytecode-size`, by statements behind a branch never taken). And it",
      'attaches the reaction pair that learns the outcome, on the failing call too, where that',
      "row's floor has none. A kept frame costs a call, and an Error thrown inside the call one more",
      'optimized frame to rebuild while V8 captures its stack trace. It is no target: the targets',
      `are ratios to the floors; "÷ ${results.skeleton.name}" shows what ${results.ours.name}'s own`,
      'bookkeeping costs.',
    ),
    '',
    markdownTable(setupTable(results)),
    '',
    ...[results.ours, ...results.peers].flatMap((library) =>
      (library.notes ?? []).map((note) => `- ${library.name}: ${note}`),
    ),
    '',
    '## Method',
    '',
    paragraph(
      `One process runs every subject. ${plan.warmupRounds} untimed rounds of ${plan.warmupMs} ms`,
      `per subject warm up the JIT and size the samples; then ${plan.rounds} timed rounds each take`,
      `one sample of about ${plan.sampleMs} ms of every subject: a batch of awaited calls between`,
      'two `process.hrtime.bigint()` reads, in one loop shared by every subject. Each round starts',
      'one subject further along, so a slow patch of the machine is spread over all of them.',
      "Before each sample a full `gc()` clears the previous subject's garbage, and a turn of the",
      'event loop lets timers that came due run outside the timed loop. After timing, the run',
      'checks that every subject stayed in its state (closed and counting failures, or open',
      'without calling the function) and resolved or rejected as its row expects.',
    ),
    '',
  ].join('\n');
}

function paragraph(...lines: string[]): string {
  return lines.join(' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

function markdownTable(table: Table): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  const align = table.header.map((_, i) => (i > 0 && table.numeric ? '---:' : '---'));
  return [line(table.header), line(align), ...table.rows.map(line)].join('\n');
}

function textTable(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) =>
        i > 0 && table.numeric ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
      )
      .join('  ');
  return all.map(line).join('\n');
}

/**
 * The sections of BENCHMARKS.md, in page order: `pnpm bench` writes `calls` and `http`,
 * `pnpm bench:detect` writes `detect`.
 */
export type Section = 'calls' | 'http' | 'instructions' | 'redis' | 'dashboard' | 'detect';
const sectionOrder: readonly Section[] = [
  'calls',
  'http',
  'instructions',
  'redis',
  'dashboard',
  'detect',
];

const pageHeader = [
  '<!-- Generated by `pnpm bench`, `pnpm bench:instructions` and `pnpm bench:detect` (bench/src). Do not edit: each run rewrites its own section. -->',
  '',
  '# Benchmarks',
  '',
].join('\n');

const marker = (section: Section, end: 'start' | 'end') => `<!-- bench:${section}:${end} -->`;

/**
 * Writes `body` as `section` of the page at `file`, between its HTML comment markers, and keeps
 * the rest of the page: each command rewrites only what it measured.
 */
export function writeSection(file: URL, section: Section, body: string): void {
  let page = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = marker(section, 'start');
  const end = marker(section, 'end');
  const block = `${start}\n\n${body.trim()}\n\n${end}`;
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from >= 0 && to > from) {
    page = page.slice(0, from) + block + page.slice(to + end.length);
  } else {
    if (page.trim() === '') page = pageHeader;
    // A missing section goes before the first later section present, to keep the page's order.
    const later = sectionOrder
      .slice(sectionOrder.indexOf(section) + 1)
      .map((s) => page.indexOf(marker(s, 'start')))
      .find((i) => i >= 0);
    page =
      later === undefined
        ? `${page.trimEnd()}\n\n${block}\n`
        : `${page.slice(0, later)}${block}\n\n${page.slice(later)}`;
  }
  writeFileSync(file, page.endsWith('\n') ? page : `${page}\n`);
}
