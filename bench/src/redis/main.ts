/**
 * The Redis part of `pnpm bench` alone (`pnpm bench:redis`): the store's call overhead, an open's
 * way to another process, and what the fleet costs Redis on one node and on a local cluster.
 * Writes the redis section of BENCHMARKS.md. Needs the workspace built.
 */
import { writeSection } from '../report.ts';
import { defaultRedisPlan } from './plan.ts';
import { renderRedisMarkdown, renderRedisText } from './report.ts';
import { runRedis } from './run-redis.ts';

const redis = await runRedis({
  ...defaultRedisPlan,
  onProgress: (part, done, of) => process.stderr.write(`\r${part} ${done}/${of}   `),
});
process.stderr.write('\n');
console.log(renderRedisText(redis));
writeSection(
  new URL('../../../BENCHMARKS.md', import.meta.url),
  'redis',
  renderRedisMarkdown(redis),
);
if (redis.problems.length > 0) process.exitCode = 1;
