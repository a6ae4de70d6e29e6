// Type tests, checked by `tsc` in the typecheck task: the clients users already have are accepted
// as they are, with no cast — both majors of ioredis and of node-redis, single nodes and clusters.
import { Cluster as Cluster6, Redis as Redis6 } from 'ioredis';
import { Cluster as Cluster5, Redis as Redis5 } from 'ioredis5';
import { createClient as createClient6, createCluster as createCluster6 } from 'redis';
import { createClient as createClient5, createCluster as createCluster5 } from 'redis5';
import { expectTypeOf } from 'vitest';
import {
  RedisBreakerStore,
  type RedisClient,
  type RedisStoreEvents,
  type RedisStoreListener,
} from './index.ts';

expectTypeOf(new Redis6({ lazyConnect: true })).toExtend<RedisClient>();
expectTypeOf(new Redis5({ lazyConnect: true })).toExtend<RedisClient>();
expectTypeOf(new Cluster6([], { lazyConnect: true })).toExtend<RedisClient>();
expectTypeOf(new Cluster5([], { lazyConnect: true })).toExtend<RedisClient>();
expectTypeOf(createClient6()).toExtend<RedisClient>();
expectTypeOf(createClient5()).toExtend<RedisClient>();
expectTypeOf(createCluster6({ rootNodes: [] })).toExtend<RedisClient>();
expectTypeOf(createCluster5({ rootNodes: [] })).toExtend<RedisClient>();
expectTypeOf({ get: () => 'no' }).not.toExtend<RedisClient>();

const store = new RedisBreakerStore({ client: createClient6(), prefix: 'app:' });
expectTypeOf(store.on('storeError', ({ error }) => error)).toEqualTypeOf<() => void>();
expectTypeOf<RedisStoreListener<'storeRecovered'>>()
  .parameter(0)
  .toEqualTypeOf<RedisStoreEvents['storeRecovered']>();
// @ts-expect-error: not a store event
store.on('stateChange', () => {});
// @ts-expect-error: the client is required
new RedisBreakerStore({ prefix: 'app:' });
