import { markdownTable, type Table, textTable } from '../detect/table.ts';
import { median, pairedRatio, relativeSpread } from '../stats.ts';
import type { ScalePoint } from './fleet-scale.ts';
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

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;

/** Active name × replica pairs → what they cost Redis, per master on a cluster. */
export function redisScaleTable(points: readonly ScalePoint[]): Table {
  const cluster = (points[0]?.commandsPerSecond.length ?? 1) > 1;
  return {
    header: [
      'name × replica pairs',
      'names × replicas',
      'calls/s',
      'Redis commands/s',
      'per pair',
      cluster ? 'Redis CPU per master' : 'Redis CPU (one core = 100 %)',
      ...(cluster ? ['commands/s per master'] : []),
    ],
    rows: points.map((point) => [
      `${point.pairs.toLocaleString('en')}${keptUp(point) ? '' : ' (load-bound)'}`,
      `${point.names.toLocaleString('en')} × ${point.replicas}`,
      Math.round(point.callsPerSecond).toLocaleString('en'),
      Math.round(sum(point.commandsPerSecond)).toLocaleString('en'),
      (sum(point.commandsPerSecond) / point.pairs).toFixed(2),
      point.cpu.map(percent).join(' / '),
      ...(cluster
        ? [point.commandsPerSecond.map((n) => Math.round(n).toLocaleString('en')).join(' / ')]
        : []),
    ]),
    labels: 1,
  };
}

/**
 * Whether the load generator kept up at `point`: every breaker saw its call a second (within
 * 10 %). A point where it did not measures the machine, not the store.
 */
export function keptUp(point: ScalePoint): boolean {
  return point.callsPerSecond >= 0.9 * point.pairs;
}

/**
 * Where one Redis core would saturate, extrapolated linearly from the largest point at which the
 * load generator kept up (CPU grows with the pairs).
 */
export function saturationPairs(points: readonly ScalePoint[]): number {
  const largest = points.filter(keptUp).at(-1);
  if (largest === undefined) return Number.NaN;
  return largest.pairs / Math.max(...largest.cpu);
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
    '',
    'What the fleet costs one redis-server',
    textTable(redisScaleTable(results.scale)),
    `one Redis core saturates near ${Math.round(saturationPairs(results.scale)).toLocaleString('en')} pairs`,
    '',
    'The same on a local Redis Cluster of three masters',
    textTable(redisScaleTable(results.clusterScale)),
    ...results.problems.map((p) => `PROBLEM  ${p}`),
  ].join('\n');
}

/** The run as a section of BENCHMARKS.md (for `writeSection(file, 'redis', …)`). */
export function renderRedisMarkdown(results: RedisResults): string {
  const { plan } = results;
  return [
    '_Written by `pnpm bench` or `pnpm bench:redis` (bench/src/redis/), in a run of its own when `BENCH_PARTS` leaves the calls out; edits are lost on the next run._',
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
    '',
    '### What the fleet costs Redis',
    '',
    `Replicas are processes, each with its own ioredis client and store, sharing breakers of the same names; every breaker sees a call a second, so each flush has counts for every name: the steady state of a busy fleet. Store defaults (\`flushIntervalMs\` 1 s). Over ${(plan.scaleMeasureMs / 1_000).toFixed(0)} s after ${(plan.scaleWarmupMs / 1_000).toFixed(0)} s of warm-up, from Redis's own figures: INFO \`total_commands_processed\` (which counts the commands inside scripts) and \`used_cpu_user\` + \`used_cpu_sys\`. The load generator (the stores and breakers) runs on the same machine as redis-server.`,
    '',
    markdownTable(redisScaleTable(results.scale)),
    '',
    `At the CPU per pair of the largest point where the load generator kept up, one Redis core saturates near **${Math.round(saturationPairs(results.scale)).toLocaleString('en')} active name × replica pairs** (extrapolated linearly). A row marked *load-bound* is one where the replicas, sharing the machine's cores with Redis, could not make every breaker's call a second (calls/s short of the pairs by more than 10 %): it measures the machine, and its per-pair figure is low because flushes fell behind. Before this release the store sent 44–55 commands a second per active pair and saturated a core near 10,000.`,
    '',
    '#### On a local Redis Cluster',
    '',
    "The same on three masters started from Debian's redis-server on loopback (`startRedisCluster()` in tools/redis-server), with ioredis `Cluster` clients: one script per name (a script may touch one slot), all of a flush sent at once. Names spread over the shards by their hash tags.",
    '',
    markdownTable(redisScaleTable(results.clusterScale)),
    ...(results.problems.length === 0
      ? []
      : ['', '### Problems found by the run', '', ...results.problems.map((p) => `- ${p}`)]),
  ].join('\n');
}
