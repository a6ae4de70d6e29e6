/**
 * The Redis benchmark, self-contained: starts its own redis-server (through
 * `@tripswitch/redis-server`, on 127.0.0.1 and a free port), measures the closed-state cost of a
 * breaker with the Redis store against the in-memory default, and the time an open takes to
 * reach another process, then stops the server by its PID. Needs the workspace built
 * (`@tripswitch/redis` runs from its dist) and ideally `node --expose-gc`.
 *
 * @example
 * ```ts
 * const results = await runRedis();
 * console.log(renderRedisText(results));
 * writeSection(file, 'redis', renderRedisMarkdown(results));
 * ```
 */
import { execFileSync } from 'node:child_process';
import { ensureRedisServer, startRedisCluster, startRedisServer } from '@tripswitch/redis-server';
import { installedVersion } from '../subjects/version.ts';
import { measureScale, type ScalePoint } from './fleet-scale.ts';
import { measureOverhead } from './overhead.ts';
import { defaultRedisPlan, type RedisPlan } from './plan.ts';
import { measurePropagation } from './propagation.ts';
import { keptUp } from './report.ts';
import type { RedisResults } from './results.ts';

export async function runRedis(plan: RedisPlan = defaultRedisPlan): Promise<RedisResults> {
  const started = performance.now();
  const server = await startRedisServer();
  try {
    const problems: string[] = [];
    const { overhead, countedInRedis } = await measureOverhead(server.url, plan, problems);
    const propagationMs = await measurePropagation(server.url, plan, problems);
    // What the fleet promises: an open reaches every replica within 100 ms on loopback.
    const slowest = Math.max(...propagationMs);
    if (slowest >= 100)
      problems.push(`propagation: an open took ${slowest.toFixed(1)} ms (budget 100 ms)`);
    const scale = await measureScales([server.port], plan, problems, 'bench-scale:');
    await server.stop();
    const cluster = await startRedisCluster();
    let clusterScale: ScalePoint[];
    try {
      clusterScale = await measureScales(
        cluster.nodes.map((node) => node.port),
        plan,
        problems,
        'bench-cluster-scale:',
      );
    } finally {
      await cluster.stop();
    }
    const redisVersion = execFileSync(ensureRedisServer(), ['--version'], {
      encoding: 'utf8',
    }).match(/v=(\S+)/)?.[1];
    return {
      plan,
      versions: `redis-server ${redisVersion ?? 'unknown'}, ioredis ${installedVersion('ioredis')}`,
      overhead,
      countedInRedis,
      propagationMs,
      scale,
      clusterScale,
      problems,
      elapsedMs: performance.now() - started,
    };
  } finally {
    await server.stop();
  }
}

async function measureScales(
  ports: readonly number[],
  plan: RedisPlan,
  problems: string[],
  prefix: string,
): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const { names, replicas } of plan.scale) {
    const point = await measureScale({
      ports,
      names,
      replicas,
      warmupMs: plan.scaleWarmupMs,
      measureMs: plan.scaleMeasureMs,
      prefix: `${prefix}${names}x${replicas}:`,
    });
    const where = ports.length > 1 ? 'cluster ' : '';
    // Where the replicas could not keep up (starved of CPU), their commands time out: the table
    // shows those errors; they are a problem only where the load generator kept up.
    if (point.errors > 0 && keptUp(point)) {
      problems.push(`${where}scale ${point.pairs}: ${point.errors} storeError`);
    }
    const perPair = point.commandsPerSecond.reduce((a, b) => a + b, 0) / point.pairs;
    if (perPair > 5) {
      problems.push(
        `${where}scale ${point.pairs}: ${perPair.toFixed(2)} Redis commands a second per pair (budget 5)`,
      );
    }
    points.push(point);
    plan.onProgress?.('scale', points.length, plan.scale.length);
  }
  return points;
}
