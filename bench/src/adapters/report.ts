import { markdownTable, type Table, textTable } from '../detect/table.ts';
import { type Verdict, verdictMarkdown, verdictText } from '../targets.ts';
import { type AdapterSide, adapterSides } from './adapter-rows.ts';
import {
  type AdapterResults,
  type AdapterRowResults,
  addedSpreadUs,
  addedUs,
  medianUs,
  vsBareCall,
} from './run-adapters.ts';

/** The most an adapter may add to a call of its client, in µs (issue 16). */
export const adapterAddsAtMostUs = 0.5;

const us = (value: number) => value.toFixed(2);
const signed = (value: number) => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(2)}`;
const x = (ratio: number) => `${ratio.toFixed(2)}×`;

/** `side`'s added µs over `from` (the bare call unless told), ± how far single rounds stray. */
const adds = (row: AdapterRowResults, side: AdapterSide, from: AdapterSide = 'bare') =>
  `${signed(addedUs(row, side, from))} ±${us(addedSpreadUs(row, side, from))}`;

/**
 * Per client: µs per call bare, through the floor, through the adapter and by hand; what each
 * adds to the bare call, what the adapter adds beyond the floor, and ratios.
 */
export function adapterTable(results: AdapterResults): Table {
  return {
    header: [
      'client',
      ...adapterSides.map((side) => `${side} µs`),
      'floor adds µs',
      'adapter adds µs',
      'by hand adds µs',
      'adapter beyond floor µs',
      'adapter ÷ bare',
      'by hand ÷ bare',
    ],
    rows: results.rows.map((row) => {
      const perCall = adapterSides.map((side) => {
        const [value, spread] = medianUs(row, side);
        return `${us(value)} ±${(spread * 100).toFixed(0)}%`;
      });
      return [
        row.row.title,
        ...perCall,
        adds(row, 'floor'),
        adds(row, 'adapter'),
        adds(row, 'by hand'),
        adds(row, 'adapter', 'floor'),
        x(vsBareCall(row, 'adapter')),
        x(vsBareCall(row, 'by hand')),
      ];
    }),
    labels: 1,
  };
}

/**
 * Judges each adapter against the target of issue 16: at most +0.5 µs over its bare client. The
 * evidence also says what the floor adds, and what the adapter adds beyond the floor.
 */
export function judgeAdapters(results: AdapterResults): Verdict[] {
  return results.rows.map((row) => {
    const added = addedUs(row, 'adapter');
    const spread = addedSpreadUs(row, 'adapter');
    // A difference lost in the spread of single rounds is no evidence either way.
    const unresolved =
      spread > adapterAddsAtMostUs
        ? `; single rounds stray ±${us(spread)} µs from that, more than the target, so this run cannot settle it`
        : '';
    return {
      target: `${row.row.title} adds at most ${adapterAddsAtMostUs} µs to a call of its client`,
      met: added <= adapterAddsAtMostUs && unresolved === '',
      evidence:
        `adds ${signed(added)} µs to ${us(medianUs(row, 'bare')[0])} µs ` +
        `(${x(vsBareCall(row, 'adapter'))}); wrapping the call in breaker.execute by hand adds ` +
        `${signed(addedUs(row, 'by hand'))} µs${unresolved}; the floor (the same extension ` +
        `point doing nothing) adds ${adds(row, 'floor')} µs, and the adapter ` +
        `${adds(row, 'adapter', 'floor')} µs beyond the floor`,
    };
  });
}

/** The adapter rows as text for the terminal. */
export function renderAdaptersText(results: AdapterResults, verdicts: readonly Verdict[]): string {
  return [
    'HTTP adapters over a client that answers at once: median µs per awaited call',
    '(± median absolute deviation across rounds); "adds" and "÷ bare" are medians of per-round',
    'differences and ratios against the bare client, "beyond floor" against the floor: the bare',
    "client with its adapter's extension point doing nothing but pass each call on.",
    '',
    textTable(adapterTable(results)),
    '',
    ...verdicts.map(verdictText),
  ].join('\n');
}

/** The adapter rows as Markdown, for the HTTP section of BENCHMARKS.md. */
export function renderAdaptersMarkdown(
  results: AdapterResults,
  verdicts: readonly Verdict[],
): string {
  const { plan } = results;
  return [
    '## HTTP client adapters, per call',
    '',
    paragraph(
      'What each client adapter adds to one call of its client when the client answers at once,',
      "so that the network is out of the figure: the client's own extension point answers (an",
      'axios `adapter`, a `fetch` function returning a ready `Response`, an undici `Dispatcher`',
      "whose `dispatch()` delivers a 200 at once, got's `beforeRequest` hook returning the",
      'response, which got documents for skipping a request). Median µs per awaited call (±',
      'the median absolute deviation across rounds); "adds" is the median of the per-round',
      'differences with the bare client (± how far single rounds stray from it), "÷ bare" the',
      'median of the per-round ratios. A target counts as met only when the rounds agree to within',
      'it. "By hand"',
      'is the same bare call wrapped in `breaker.execute(() => call)`: the breaker alone,',
      "without the adapter's keying and judging. The floor is the bare client with the extension",
      'point its adapter uses filled with code that only passes each call on and observes its',
      'outcome (one `.then(onOk, onErr)` with reactions made once, or in undici a handler that',
      'passes every callback on): the least any adapter built on that extension point can add.',
      '"Beyond floor" is the median of the per-round differences between the adapter and the',
      "floor: the adapter's own work.",
    ),
    '',
    markdownTable(adapterTable(results)),
    '',
    ...verdicts.map(verdictMarkdown),
    ...(results.problems.length === 0
      ? []
      : ['', '### Problems found by the run', '', ...results.problems.map((p) => `- ${p}`)]),
    '',
    markdownTable({
      header: ['client', 'side', 'setup'],
      rows: results.rows.flatMap(({ row }) =>
        adapterSides.map((side) => [row.title, side, `\`${row.setup[side]}\``]),
      ),
      labels: 3,
    }),
    '',
    paragraph(
      'Measured like the calls table above, in the same run: every side of every client is a',
      `subject of ${plan.rounds} interleaved rounds, each a sample of about ${plan.sampleMs} ms`,
      'of awaited calls in one loop, but with no full `gc()` before each sample: after a forced',
      'full collection, got and undici ran their requests 3 to 4 times slower for thousands of',
      'requests (got about 115 µs instead of 40, undici about 7 µs instead of 2), so each sample',
      'measured that recovery rather than a client in use; the collections the calls cause fall',
      'on every side alike, by the rotation of the rounds. After timing, the run checks that no',
      'call rejected and that each breaker stayed closed, has no permit in flight, recorded no',
      'failure, and recorded a success for every timed call.',
    ),
    '',
  ].join('\n');
}

function paragraph(...lines: string[]): string {
  return lines.join(' ');
}
