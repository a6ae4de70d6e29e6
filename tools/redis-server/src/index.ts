/**
 * @module
 * `@tripswitch/redis-server` (private): a real `redis-server` on 127.0.0.1 and a free port for the
 * Redis tests and benchmarks. It installs nothing: a missing `redis-server` is an error naming the
 * command that installs it (`scripts/system-packages.sh`).
 */
export { type EnsureRedisServerOptions, ensureRedisServer } from './ensure-redis-server.ts';
export { ping } from './ping.ts';
export { rawCommand } from './raw-command.ts';
export {
  type RedisCluster,
  type RedisClusterOptions,
  startRedisCluster,
} from './start-redis-cluster.ts';
export {
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from './start-redis-server.ts';
