// @tripswitch/redis with ioredis and node-redis.
import { BreakerRegistry, RedisBreakerStore } from '@tripswitch/redis';
import { Redis } from 'ioredis';
import { createClient } from 'redis';

export function sharedRegistries(): BreakerRegistry[] {
  const store = new RedisBreakerStore({
    client: new Redis('redis://127.0.0.1:6379'),
    prefix: 'checkout:',
  });
  store.on('storeError', ({ error }) => {
    console.warn('Redis is away: breakers decide alone', error);
  });
  const nodeRedis = new RedisBreakerStore({
    client: createClient({ url: 'redis://127.0.0.1:6379' }),
  });
  // @ts-expect-error: a client is required
  new RedisBreakerStore({ prefix: 'checkout:' });
  return [new BreakerRegistry({ store }), new BreakerRegistry({ store: nodeRedis })];
}
