/**
 * What a call through the engine and a request through each server adapter cost, counted in
 * instructions rather than timed. Engine: the closed, failing (new Error) and open rows of
 * `pnpm bench`, for Tripswitch, cockatiel and the row's floor, each in a process of its own
 * (counted-calls.ts). Servers:
 * Express, Fastify and Hono serve one JSON route bare, with the floor (the least any breaker
 * adapter must do: run when the request arrives and learn when its response is over; see
 * servers.ts) and with Tripswitch's adapter, each in a process of its own under valgrind's
 * callgrind, loaded by autocannon. A count does not move with busy neighbours, as the timed
 * throughput of `pnpm bench` does; it leaves out what instructions do not show (cache misses,
 * garbage collection pauses), so it complements that table rather than replacing it.
 *
 * Each subject runs twice, answering `warmup + small` and `warmup + large` requests; the
 * difference of the two counts, divided by `large - small`, is the count per request, free of
 * start-up and warm-up. Writes its section of BENCHMARKS.md. Needs valgrind on PATH
 * (`npm run bench:instructions` installs it on Debian when run as root).
 *
 * BENCH_INSTRUCTION_TRIALS (default 1) repeats each subject's pair of runs and takes the median.
 */
import { execFileSync } from 'node:child_process';
import { positiveInteger } from '../env-number.ts';
import { describeEnvironment } from '../environment.ts';
import { floorDescriptions, type ServerName } from '../http/servers.ts';
import { writeSection } from '../report.ts';
import { rows as benchRows } from '../rows.ts';
import { median } from '../stats.ts';
import { installedVersion } from '../subjects/version.ts';
import { countCallInstructions, countInstructions } from './count-instructions.ts';

const frameworks = [
  { id: 'express', title: 'Express 5, breakerMiddleware()', floor: floorDescriptions.express },
  { id: 'fastify', title: 'Fastify 5, breakerPlugin', floor: floorDescriptions.fastify },
  { id: 'hono', title: 'Hono on Node.js, breakerMiddleware()', floor: floorDescriptions.hono },
] as const;
const sides = ['bare', 'floor', 'breaker'] as const;
type Side = (typeof sides)[number];

const warmup = 3_000;
const small = 1_000;
const large = 11_000;
const connections = 4;
const trials = positiveInteger('BENCH_INSTRUCTION_TRIALS', 1);

// The engine rows, with the calls each run makes: a call that throws a new Error costs some
// thirty times one that succeeds, so it runs fewer.
const engineRows = [
  { id: 'closed', warmup: 200_000, small: 100_000, large: 300_000 },
  { id: 'throwing', warmup: 20_000, small: 10_000, large: 30_000 },
  { id: 'open', warmup: 200_000, small: 100_000, large: 300_000 },
] as const;
const engineLibraries = ['floor', 'tripswitch', 'cockatiel'] as const;
type EngineLibrary = (typeof engineLibraries)[number];

async function perCall(library: EngineLibrary, row: (typeof engineRows)[number]): Promise<number> {
  const counts: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const few = await countCallInstructions(library, row.id, row.warmup, row.small);
    const many = await countCallInstructions(library, row.id, row.warmup, row.large);
    counts.push((many - few) / (row.large - row.small));
    process.stderr.write(
      `${library} ${row.id}: ${Math.round(counts.at(-1) as number)} instructions per call\n`,
    );
  }
  return median(counts);
}

function serverOf(framework: string, side: Side): ServerName {
  return (side === 'bare' ? framework : `${framework}-${side}`) as ServerName;
}

async function perRequest(name: ServerName): Promise<number> {
  const counts: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const few = await countInstructions(name, warmup + small, connections);
    const many = await countInstructions(name, warmup + large, connections);
    counts.push((many - few) / (large - small));
    process.stderr.write(
      `${name}: ${Math.round(counts.at(-1) as number)} instructions per request\n`,
    );
  }
  return median(counts);
}

function valgrindVersion(): string {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'valgrind is not on PATH: run `npm run bench:instructions` (it installs it as root on Debian), or install it (apt-get install valgrind)',
    );
  }
}

const thousands = (n: number): string => `${(n / 1000).toFixed(1)}k`;
const signedThousands = (n: number): string => `${n < 0 ? '−' : '+'}${thousands(Math.abs(n))}`;
const percent = (n: number): string => `${(100 * n).toFixed(1)} %`;

const valgrind = valgrindVersion();
const environment = describeEnvironment();
const callRows: { title: string; floor: string; counts: Record<EngineLibrary, number> }[] = [];
for (const row of engineRows) {
  const counts = {} as Record<EngineLibrary, number>;
  for (const library of engineLibraries) counts[library] = await perCall(library, row);
  const described = benchRows.find(({ id }) => id === row.id);
  callRows.push({ title: described?.title ?? row.id, floor: described?.floor ?? '', counts });
}
const rows: { title: string; floor: string; counts: Record<Side, number> }[] = [];
for (const framework of frameworks) {
  const counts = {} as Record<Side, number>;
  for (const side of sides) counts[side] = await perRequest(serverOf(framework.id, side));
  rows.push({ title: framework.title, floor: framework.floor, counts });
}

const ratio = (n: number): string => `${n.toFixed(2)}×`;
const callTable = [
  '| row | floor | Tripswitch | cockatiel | Tripswitch ÷ floor | Tripswitch beyond the floor | cockatiel ÷ Tripswitch |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...callRows.map(({ title, counts: { floor, tripswitch, cockatiel } }) =>
    [
      `| ${title}`,
      Math.round(floor).toLocaleString('en'),
      Math.round(tripswitch).toLocaleString('en'),
      Math.round(cockatiel).toLocaleString('en'),
      ratio(tripswitch / floor),
      signedThousands(tripswitch - floor),
      `${ratio(cockatiel / tripswitch)} |`,
    ].join(' | '),
  ),
].join('\n');

const table = [
  '| server | bare | floor adds | Tripswitch adds | Tripswitch beyond the floor | Tripswitch ÷ bare | floor ÷ bare |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows
    .map(({ title, counts: { bare, floor, breaker } }) =>
      [
        title,
        thousands(bare),
        signedThousands(floor - bare),
        signedThousands(breaker - bare),
        signedThousands(breaker - floor),
        percent(breaker / bare),
        percent(floor / bare),
      ].join(' | '),
    )
    .map((line) => `| ${line} |`),
].join('\n');

const markdown = `_Written by \`pnpm bench:instructions\` (bench/src/instructions/main.ts); edits are lost on the next run._

- Date: ${environment.date}; commit ${environment.commit}
- Node.js: ${environment.node}, ${environment.platform}; ${valgrind}
- Packages: ${['cockatiel', 'express', 'fastify', 'hono', '@hono/node-server', 'autocannon'].map((name) => `${name} ${installedVersion(name)}`).join(', ')}

## Engine instructions per call

Instructions per awaited call in the engine rows of the table above, counted by valgrind's callgrind, each library and the floor in a process of its own running the row as \`pnpm bench\` does. Floors: ${callRows.map(({ title, floor }) => `${title}: ${floor}`).join('; ')}.

${callTable}

Each subject runs twice after the same warm-up, making ${engineRows.map(({ id, small, large }) => `${small.toLocaleString('en')} and ${large.toLocaleString('en')} calls (${id})`).join(', ')}; the difference of the two counts divided by the difference of the calls is the count per call${trials > 1 ? `, the median of ${trials} such pairs` : ''}. A refusal's error says how many milliseconds remain until a trial, so it is built afresh once a millisecond and shared until then; under valgrind's fifty-fold slowdown it is shared by fifty times fewer calls than at full speed, which overstates the open row. Node runs with V8's \`--predictable\`, which compiles on the main thread: with compilation on background threads, when optimized code got installed under valgrind varied from run to run, and with it how many calls ran unoptimized, so runs of the closed row differed by half (and a difference of two runs could come out negative). In predictable mode two runs of Tripswitch's closed row agreed within 0.1 %. It leaves out what instructions do not show, so read the timed table for what a call costs in time.

## Server instructions per request

Instructions the server process executes per request of one JSON route (thousands), counted by valgrind's callgrind: bare, with the floor, and with Tripswitch's adapter. A count is the work done, whatever else the machine is doing, so it settles differences the timed throughput above cannot on a shared machine; it leaves out what instructions do not show (cache misses, garbage collection), so the two tables complement each other. The floor is the least any breaker adapter must do in the framework, with no breaker: ${rows.map(({ title, floor }) => `${title.split(',')[0]}, ${floor}`).join('; ')}. "Beyond the floor" is what Tripswitch's own work costs: finding the breaker, taking and settling its permit, judging the status.

${table}

Each subject is a process of its own under \`valgrind --tool=callgrind\`, loaded by autocannon with ${connections} keep-alive connections; it runs twice, answering ${warmup.toLocaleString('en')} + ${small.toLocaleString('en')} and ${warmup.toLocaleString('en')} + ${large.toLocaleString('en')} requests, and the difference of the two counts divided by ${(large - small).toLocaleString('en')} is the count per request, free of start-up and warm-up${trials > 1 ? `; the median of ${trials} such pairs` : ''}. Runs of one subject mostly agree within 1–2 %. Before Node ran with \`--predictable\` (see the engine rows), V8's optimisation and how the event loop batches requests moved one run by up to a third (Hono's breaker counted 214k and 158k per request in two runs minutes apart); the batching remains, so a single run does not settle a few thousand instructions; BENCH_INSTRUCTION_TRIALS=3 takes the median of three.
`;

console.log(`\n${callTable}\n\n${table}\n`);
writeSection(new URL('../../../BENCHMARKS.md', import.meta.url), 'instructions', markdown);
