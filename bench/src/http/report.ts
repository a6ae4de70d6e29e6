import { markdownTable, type Table, textTable } from '../detect/table.ts';
import type { Environment } from '../environment.ts';
import { type Verdict, verdictMarkdown, verdictText } from '../targets.ts';
import {
  againstFloor,
  cpuPerRequest,
  type HttpResults,
  keptRatio,
  medianRps,
  ratioRange,
} from './results.ts';

const rps = ([value, spread]: [number, number]) =>
  `${Math.round(value).toLocaleString('en')} ±${(spread * 100).toFixed(0)}%`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
const signed = (us: number) => `${us < 0 ? '−' : '+'} ${Math.abs(us).toFixed(1)}`;

/** Per pair: median requests per second without and with the breaker, and the kept share. */
export function httpTable(results: HttpResults): Table {
  return {
    header: [
      'subject',
      'driver',
      'without req/s',
      'with req/s',
      'with ÷ without',
      'lowest–highest round',
      'floor ÷ without',
      'with ÷ floor',
      'CPU µs / request',
      'CPU µs beyond floor',
    ],
    rows: results.pairs.map(({ pair, series }) => {
      const [low, high] = ratioRange(series);
      const [cpu, added] = cpuPerRequest(series);
      const floor = againstFloor(series);
      return [
        pair.title,
        pair.driver,
        rps(medianRps(series, 'without')),
        rps(medianRps(series, 'with')),
        pct(keptRatio(series)),
        `${pct(low)} – ${pct(high)}`,
        floor === undefined ? '—' : pct(floor.floorKept),
        floor === undefined ? '—' : pct(floor.keptOfFloor),
        `${cpu.toFixed(1)} ${signed(added)}`,
        floor === undefined ? '—' : signed(floor.cpuBeyondFloor),
      ];
    }),
    labels: 2,
  };
}

/** How each subject was set up. */
function setupTable(results: HttpResults): Table {
  return {
    header: ['subject', 'breaker', 'setup'],
    rows: results.pairs.flatMap(({ pair }) => [
      [pair.title, 'without', `\`${pair.without.setup}\``],
      ...(pair.floor === undefined ? [] : [[pair.title, 'floor', `\`${pair.floor.setup}\``]]),
      [pair.title, 'with', `\`${pair.with.setup}\``],
    ]),
    labels: 3,
  };
}

/** The HTTP part of the run as text for the terminal. */
export function renderHttpText(results: HttpResults, verdicts: readonly Verdict[]): string {
  const { plan } = results;
  return [
    `HTTP throughput on loopback, ${plan.concurrency} requests in flight: median requests per`,
    `second of ${plan.rounds} rounds (± median absolute deviation), each round A B B A or B A A B`,
    `with samples of ${plan.sampleMs} ms. "with ÷ without" is the median of the per-round ratios;`,
    "CPU µs / request is the measured thread's (server or client) without the breaker, + what the",
    'breaker adds (median of per-round differences). The floor is the framework with a middleware',
    'or hook that does only what any adapter must, and no breaker.',
    '',
    textTable(httpTable(results)),
    '',
    ...verdicts.map(verdictText),
  ].join('\n');
}

/**
 * The HTTP part of the run as its section of the BENCHMARKS.md page; `perCall` (the client
 * adapters' cost per call, adapters/report.ts) goes first.
 */
export function renderHttpMarkdown(
  results: HttpResults,
  verdicts: readonly Verdict[],
  env: Environment,
  perCall = '',
): string {
  const { plan } = results;
  const n = plan.concurrency;
  return [
    '_Written by `pnpm bench` (bench/src/adapters/ and bench/src/http/), in a run of its own when `BENCH_PARTS` leaves the calls out; edits are lost on the next run._',
    '',
    ...(perCall === '' ? [] : [perCall]),
    '## HTTP throughput',
    '',
    `- Date: ${env.date}; commit ${env.commit}`,
    `- Node.js: ${env.node}, ${env.platform}; CPU: ${env.cpu}, ${env.cores} logical cores`,
    `- Packages: ${results.versions}; Tripswitch's adapters as built in this workspace`,
    '',
    paragraph(
      'Requests per second on loopback without and with the breaker, measured side by side',
      `(median of ${plan.rounds} rounds, ± the median absolute deviation across rounds). The load`,
      'generator shares two cores with the server, and the machine is shared with other work, so',
      'absolute numbers move from run to run and single samples can lose half their speed: the',
      'headline is **with ÷ without**, the median of the per-round ratios, each from samples taken',
      'back to back; the next column shows how far single rounds stray. The last column is a',
      'cross-check that busy neighbours disturbed less than wall-clock time in trials: the CPU',
      'time per request of the thread doing the compared work (the server for Express, Fastify',
      'and Hono, the client for the HTTP clients) without the breaker, and what the breaker adds to it (median of the',
      'per-round differences).',
    ),
    '',
    paragraph(
      'Express, Fastify and Hono have a third subject, measured in the same rounds: the floor, the',
      'same app with the least any breaker adapter must do there and no breaker (',
      `${results.pairs
        .flatMap(({ pair }) =>
          pair.floor === undefined ? [] : [`${pair.id}: ${pair.floor.description}`],
        )
        .join('; ')}).`,
      '**floor ÷ without** is what that alone costs the bare route, **with ÷ floor** the share of',
      "the floor's throughput the adapter keeps, and the last column the server CPU per request",
      'the adapter adds beyond the floor (median of the per-round differences): its own work.',
    ),
    '',
    markdownTable(httpTable(results)),
    '',
    '### Target',
    '',
    ...verdicts.map(verdictMarkdown),
    ...(results.problems.length === 0
      ? []
      : ['', '### Problems found by the run', '', ...results.problems.map((p) => `- ${p}`)]),
    '',
    '### Setup',
    '',
    markdownTable(setupTable(results)),
    '',
    paragraph(
      '`registry` is a `new BreakerRegistry()` passed only so the run can read the breaker',
      'afterwards; without one, each adapter makes a registry of its own, and a request takes the',
      'same path. Every other option is left at its default.',
    ),
    '',
    '### Method',
    '',
    paragraph(
      'Each server runs in a worker thread of its own on 127.0.0.1, port 0, so that it has an',
      'event loop (and mostly a core) of its own; the load comes from the main thread. The',
      `Express, Fastify and Hono rows: autocannon's programmatic API with ${n} keep-alive connections,`,
      'each sending its next `GET /` as soon as the previous answer arrives, against two apps',
      'alike but for `app.use(breakerMiddleware())` or `app.register(breakerPlugin)`, each in its',
      'own thread (Hono on `@hono/node-server`); in trials (Express) the server thread was',
      'busy about 95 % of the time and the load generator about 65 %, so the server is the',
      'bottleneck. For Hono the difference includes what any middleware costs there: a route',
      "with one takes Hono's middleware chain instead of calling its handler directly. The axios",
      'and got rows: the client keeps',
      `${n} calls in flight (each of ${n} loops starts its next call when its previous one settles)`,
      'to a `node:http` server that answers a fixed JSON document, with a keep-alive agent of its',
      'own per subject; there the client thread is the bottleneck (busy about 98 % of the time in',
      'trials), so the ratio sets what the',
      "adapter costs against the client's own work per request, on a server that answers at once.",
      'A sample counts the 2xx answers over its wall-clock time, and reads the CPU time of the',
      'measured thread (`process.threadCpuUsage()`) before and after.',
    ),
    '',
    paragraph(
      'The gRPC row: the same client loop of grpc-js unary calls (stubs from `@grpc/proto-loader`,',
      'a small message each way, one channel per subject) to a grpc-js server in a worker thread of',
      'its own that answers each call at once; the CPU column is the client thread’s, so it shows',
      'what the interceptor adds to a call on the client.',
    ),
    '',
    paragraph(
      `One untimed sample of ${plan.warmupMs} ms per subject warms up the JIT and the sockets.`,
      `Then each of ${plan.rounds} rounds takes, for every pair, two samples of ${plan.sampleMs} ms`,
      'of each subject, in the order A B B A in one round and B A A B in the next (A B C C B A and',
      'C B A A B C with a floor), which cancels',
      'a steady drift of the machine and the advantage of going first; the round pools the two',
      'samples of a subject, and each round starts one pair further along. Before each sample a',
      "full `gc()` clears the main thread's garbage. After timing, the run checks that no request",
      'failed, and that each breaker stayed closed, has no permit in flight, recorded no failure,',
      'and recorded a success for every answered request (for the middleware, at least as many',
      'successes as answers: it also records the answers autocannon cut off at the end of a',
      'sample). This part took',
      `${(results.elapsedMs / 1000).toFixed(0)} s; BENCH_HTTP_ROUNDS, BENCH_HTTP_SAMPLE_MS,`,
      'BENCH_HTTP_WARMUP_MS and BENCH_HTTP_CONCURRENCY change the plan.',
    ),
    '',
  ].join('\n');
}

function paragraph(...lines: string[]): string {
  return lines.join(' ');
}
