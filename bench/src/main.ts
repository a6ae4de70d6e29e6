/**
 * Benchmarks Tripswitch against opossum and cockatiel in one process: the timing rows of
 * rows.ts, then the heap of an idle breaker, then what each HTTP client adapter adds to a call
 * of a client that answers at once (adapters/), then the HTTP throughput of the Express, Hono,
 * axios, got and fetch adapters (http/). Prints the tables and writes their sections of
 * BENCHMARKS.md at the root of the repository (`pnpm bench:detect` writes another). Needs
 * `node --expose-gc`.
 *
 * BENCH_PARTS (default `calls,http,redis,dashboard`) picks the parts to run: each writes its own
 * section. BENCH_ROUNDS (default 50) and BENCH_SAMPLE_MS (default 20) shorten or lengthen the timing;
 * BENCH_HTTP_ROUNDS (8), BENCH_HTTP_SAMPLE_MS (500), BENCH_HTTP_WARMUP_MS (1000) and
 * BENCH_HTTP_CONCURRENCY (10) the HTTP part.
 */
import { judgeAdapters, renderAdaptersMarkdown, renderAdaptersText } from './adapters/report.ts';
import { runAdapters } from './adapters/run-adapters.ts';
import { renderDashboardMarkdown, renderDashboardText } from './dashboard/report.ts';
import { runDashboard } from './dashboard/run-dashboard.ts';
import { positiveInteger } from './env-number.ts';
import { describeEnvironment, type Environment } from './environment.ts';
import { type HeapPlan, heapPerBreaker } from './heap.ts';
import type { HttpPlan } from './http/plan.ts';
import { renderHttpMarkdown, renderHttpText } from './http/report.ts';
import { httpPairs, runHttp } from './http/run-http.ts';
import { judgeHttp } from './http/target.ts';
import { type Entry, measureInterleaved, type Plan } from './measure.ts';
import { defaultRedisPlan } from './redis/plan.ts';
import { renderRedisMarkdown, renderRedisText } from './redis/report.ts';
import { runRedis } from './redis/run-redis.ts';
import { renderMarkdown, renderText, writeSection } from './report.ts';
import type { Results } from './results.ts';
import { type Row, rows } from './rows.ts';
import { bare } from './subjects/bare.ts';
import { cockatiel } from './subjects/cockatiel.ts';
import { floor } from './subjects/floor.ts';
import { opossum } from './subjects/opossum.ts';
import { skeleton } from './subjects/skeleton.ts';
import { tripswitch } from './subjects/tripswitch.ts';
import { judge } from './targets.ts';
import type { Library, Prepared } from './types.ts';

const ours = tripswitch;
const peers = [opossum, cockatiel];
const libraries: readonly Library[] = [bare, floor, skeleton, ours, ...peers];

const plan: Plan = {
  warmupRounds: 2,
  warmupMs: 150,
  rounds: positiveInteger('BENCH_ROUNDS', 50),
  sampleMs: positiveInteger('BENCH_SAMPLE_MS', 20),
  onRound: (round) => {
    if (process.stderr.isTTY) process.stderr.write(`\rround ${round}/${plan.rounds}`);
  },
};
const heapPlan: HeapPlan = { count: 10_000, trials: 3 };
const httpPlan: HttpPlan = {
  warmupMs: positiveInteger('BENCH_HTTP_WARMUP_MS', 1_000),
  rounds: positiveInteger('BENCH_HTTP_ROUNDS', 8),
  sampleMs: positiveInteger('BENCH_HTTP_SAMPLE_MS', 500),
  concurrency: positiveInteger('BENCH_HTTP_CONCURRENCY', 10),
  onRound: (round) => {
    if (process.stderr.isTTY) process.stderr.write(`\rhttp round ${round}/${httpPlan.rounds}`);
  },
};

/** One library made ready for one row. */
interface Subject {
  row: Row;
  library: Library;
  prepared: Prepared;
  id: string;
}

const allParts = ['calls', 'http', 'redis', 'dashboard'] as const;
const parts = partsToRun();

async function main(): Promise<void> {
  if (globalThis.gc === undefined) throw new Error('run with node --expose-gc');
  const environment = describeEnvironment();
  const file = new URL('../../BENCHMARKS.md', import.meta.url);
  const problems: string[] = [];
  if (parts.has('calls')) await runCalls(environment, file, problems);
  if (parts.has('http')) await runHttpPart(environment, file, problems);
  if (parts.has('redis')) await runRedisPart(file, problems);
  if (parts.has('dashboard')) await runDashboardPart(file, problems);
  if (problems.length > 0) {
    console.error(`\nThe run found problems:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    process.exitCode = 1;
  }
}

/** The timing rows and the heap of an idle breaker: the calls section. */
async function runCalls(environment: Environment, file: URL, problems: string[]): Promise<void> {
  const subjects: Subject[] = [];
  for (const row of rows) {
    for (const library of libraries) {
      const contender = library.rows[row.id];
      if (contender === undefined) continue;
      const prepared = await contender.prepare();
      subjects.push({ row, library, prepared, id: `${row.id}/${library.name}` });
    }
  }

  process.stderr.write(`timing ${subjects.length} subjects in ${plan.rounds} interleaved rounds\n`);
  const entries: Entry[] = subjects.map(({ id, prepared }) => ({ id, op: prepared.op }));
  const measured = await measureInterleaved(entries, plan);
  if (process.stderr.isTTY) process.stderr.write('\n');

  for (const { id, row, prepared } of subjects) {
    const series = measured.get(id);
    const expected = row.expect === 'reject' ? series?.calls : 0;
    if (series === undefined || series.rejected !== expected) {
      problems.push(
        `${id}: ${series?.rejected} of ${series?.calls} calls rejected; expected all to ${row.expect}`,
      );
    }
    const problem = prepared.check?.();
    if (problem !== undefined) problems.push(`${id}: ${problem}`);
    prepared.dispose?.();
  }

  process.stderr.write(
    `heap: ${heapPlan.count} idle breakers per library, ${heapPlan.trials} trials\n`,
  );
  const heap: Results['heap'][number][] = [];
  for (const library of [ours, ...peers]) {
    if (library.idle !== undefined) {
      heap.push({ library, cost: await heapPerBreaker(library.idle, heapPlan) });
    }
  }

  const results: Results = {
    environment,
    plan,
    heapPlan,
    baseline: bare,
    floor,
    skeleton,
    ours,
    peers,
    rows: rows.map((row) => ({
      row,
      series: new Map(
        subjects
          .filter((s) => s.row === row)
          .flatMap((s) => {
            const series = measured.get(s.id);
            return series === undefined ? [] : [[s.library.name, series] as const];
          }),
      ),
    })),
    heap,
  };
  const verdicts = judge(results);
  console.log(renderText(results, verdicts));
  writeSection(file, 'calls', renderMarkdown(results, verdicts, problems));
  console.log(`\nwrote the calls section of ${file.pathname}`);
}

async function runHttpPart(environment: Environment, file: URL, problems: string[]): Promise<void> {
  process.stderr.write(
    `adapters: each client bare, through its floor, through its adapter, and by hand\n`,
  );
  const adapters = await runAdapters(plan);
  if (process.stderr.isTTY) process.stderr.write('\n');
  const adapterVerdicts = judgeAdapters(adapters);
  console.log(`\n${renderAdaptersText(adapters, adapterVerdicts)}`);
  problems.push(...adapters.problems);

  process.stderr.write(
    `http: ${httpPairs.length * 2} subjects in ${httpPlan.rounds} alternating rounds of ` +
      `${httpPlan.sampleMs} ms\n`,
  );
  const http = await runHttp(httpPlan);
  if (process.stderr.isTTY) process.stderr.write('\n');
  const httpVerdicts = judgeHttp(http);
  console.log(`\n${renderHttpText(http, httpVerdicts)}`);
  const perCall = renderAdaptersMarkdown(adapters, adapterVerdicts);
  writeSection(file, 'http', renderHttpMarkdown(http, httpVerdicts, environment, perCall));
  console.log(`\nwrote the http section of ${file.pathname}`);
  problems.push(...http.problems);
}

async function runRedisPart(file: URL, problems: string[]): Promise<void> {
  const redis = await runRedis({
    ...defaultRedisPlan,
    rounds: positiveInteger('BENCH_REDIS_ROUNDS', 30),
    trials: positiveInteger('BENCH_REDIS_TRIALS', 50),
  });
  console.log(`\n${renderRedisText(redis)}`);
  writeSection(file, 'redis', renderRedisMarkdown(redis));
  problems.push(...redis.problems);
}

async function runDashboardPart(file: URL, problems: string[]): Promise<void> {
  const dashboard = await runDashboard();
  console.log(`\n${renderDashboardText(dashboard)}`);
  writeSection(file, 'dashboard', renderDashboardMarkdown(dashboard));
  problems.push(...dashboard.problems);
}

function partsToRun(): ReadonlySet<string> {
  const text = process.env.BENCH_PARTS;
  if (text === undefined || text === '') return new Set(allParts);
  const asked = text.split(',').map((part) => part.trim());
  const unknown = asked.filter((part) => !(allParts as readonly string[]).includes(part));
  if (unknown.length > 0) {
    throw new Error(`BENCH_PARTS: unknown ${unknown.join(', ')}; allowed: ${allParts.join(', ')}`);
  }
  return new Set(asked);
}

await main();
