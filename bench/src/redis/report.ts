import { markdownTable, type Table, textTable } from '../detect/table.ts';
import { median, pairedRatio, relativeSpread } from '../stats.ts';
import { percentile, type RedisResults } from './results.ts';

const subjects = [
  ['bare', '`await succeed()`, no breaker'],
  ['memory', '`new CircuitBreaker()` (state in memory, the default)'],
  ['redis', '`new CircuitBreaker({ store: new RedisBreakerStore({ client }) })`'],
] as const;

const ratio = (n: number) => `${n.toFixed(2)}×`;
const ms = (n: number) => `${n.toFixed(2)} ms`;

/** Closed-state `execute()`: ns per call per subject, and the ratios. */
export function redisOverheadTable(results: RedisResults): Table {
  const { bare, memory, redis } = results.overhead;
  return {
    header: ['subject', 'ns/op', '÷ bare', 'Redis store ÷ in-memory'],
    rows: subjects.map(([id, title]) => {
      const series = results.overhead[id];
      return [
        title,
        `${median(series.nsPerOp).toFixed(1)} ±${(relativeSpread(series.nsPerOp) * 100).toFixed(0)}%`,
        id === 'bare' ? '—' : ratio(pairedRatio(series.nsPerOp, bare.nsPerOp)),
        id === 'redis' ? ratio(pairedRatio(redis.nsPerOp, memory.nsPerOp)) : '—',
      ];
    }),
    labels: 1,
  };
}

/** Open in one process → refusing in another: median, p99 and the extremes. */
export function redisPropagationTable(results: RedisResults): Table {
  const delays = results.propagationMs;
  return {
    header: ['trials', 'median', 'p99', 'fastest', 'slowest'],
    rows: [
      [
        String(delays.length),
        ms(percentile(delays, 50)),
        ms(percentile(delays, 99)),
        ms(Math.min(...delays)),
        ms(Math.max(...delays)),
      ],
    ],
    labels: 0,
  };
}

/** The run as text for the terminal. */
export function renderRedisText(results: RedisResults): string {
  return [
    `Redis store (${results.versions})`,
    'Closed-state execute(): median ns per call; ratios are medians of per-round ratios.',
    textTable(redisOverheadTable(results)),
    '',
    'Open in one process → refusing in another',
    textTable(redisPropagationTable(results)),
    ...results.problems.map((p) => `PROBLEM  ${p}`),
  ].join('\n');
}

/** The run as a section of BENCHMARKS.md (for `writeSection(file, 'redis', …)`). */
export function renderRedisMarkdown(results: RedisResults): string {
  const { plan } = results;
  return [
    '_Written by `pnpm bench` (bench/src/redis/), in the same run as the calls above; edits are lost on the next run._',
    '',
    '## Redis store',
    '',
    `${results.versions}; its own redis-server on 127.0.0.1, no persistence; ${(results.elapsedMs / 1_000).toFixed(0)} s.`,
    '',
    '### Closed-state call overhead',
    '',
    `Median nanoseconds per awaited \`execute(succeed)\` over ${plan.rounds} interleaved rounds, ± the median absolute deviation. The store records each call in memory and adds the counts to Redis once per flush interval (${results.countedInRedis.toLocaleString('en')} calls counted in Redis during the run); no call waits on Redis.`,
    '',
    markdownTable(redisOverheadTable(results)),
    '',
    '### From an open in one process to a refusal in another',
    '',
    `Two processes, each with its own ioredis client, store and breaker of the same name, ${plan.trials} trials: from the failure that opens the circuit in one (stamped before it is recorded) to the state change in the other, after which it refuses calls (checked each time) — both stamped on the machine's monotonic clock. The path: compare-and-set script, PUBLISH, the other's subscription.`,
    '',
    markdownTable(redisPropagationTable(results)),
    ...(results.problems.length === 0
      ? []
      : ['', '### Problems found by the run', '', ...results.problems.map((p) => `- ${p}`)]),
  ].join('\n');
}
