/**
 * Runs only the adapter rows of `pnpm bench` (bench/src/main.ts) and prints them, writing
 * nothing: for checking an adapter's cost while working on it. Needs `node --expose-gc`.
 * BENCH_ROUNDS (default 50) and BENCH_SAMPLE_MS (default 20) shorten or lengthen the timing.
 */
import { judgeAdapters, renderAdaptersText } from './report.ts';
import { runAdapters } from './run-adapters.ts';

if (globalThis.gc === undefined) throw new Error('run with node --expose-gc');
const rounds = Number(process.env.BENCH_ROUNDS ?? 50);
const sampleMs = Number(process.env.BENCH_SAMPLE_MS ?? 20);
const results = await runAdapters({ warmupRounds: 2, warmupMs: 150, rounds, sampleMs });
console.log(renderAdaptersText(results, judgeAdapters(results)));
if (results.problems.length > 0) {
  console.error(`\nThe run found problems:\n${results.problems.map((p) => `- ${p}`).join('\n')}`);
  process.exitCode = 1;
}
