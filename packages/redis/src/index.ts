/**
 * @module
 * `@tripswitch/redis`: one circuit breaker across every process of a fleet. A
 * {@link RedisBreakerStore} shares the state of breakers that have the same name through Redis,
 * with an ioredis or a node-redis client: one process opens, all open; outcome counts are summed
 * across processes; half-open trials are granted fleet-wide. No call waits on Redis, and when
 * Redis is away each process decides alone. The core's `BreakerRegistry` and `CircuitBreaker`
 * are re-exported, so that this package is all a user of the store imports.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { BreakerRegistry, RedisBreakerStore } from '@tripswitch/redis';
 *
 * const store = new RedisBreakerStore({ client: new Redis(process.env.REDIS_URL) });
 * const registry = new BreakerRegistry({ store });
 * ```
 */
export { BreakerRegistry, CircuitBreaker } from '@tripswitch/core';
export type { RedisBreakerStoreOptions, RedisClient } from './options.ts';
export { RedisBreakerStore } from './redis-breaker-store.ts';
export { StoreDataError } from './store-data-error.ts';
export type {
  RedisStoreEventName,
  RedisStoreEvents,
  RedisStoreListener,
} from './store-events.ts';
