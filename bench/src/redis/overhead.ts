import { CircuitBreaker } from '@tripswitch/core';
import { RedisBreakerStore } from '@tripswitch/redis';
import { Redis } from 'ioredis';
import { measureInterleaved } from '../measure.ts';
import { succeed } from '../workload.ts';
import type { RedisPlan } from './plan.ts';
import type { OverheadSubject, RedisResults } from './results.ts';

/**
 * Times a closed-state `execute(succeed)` through a breaker with the Redis store, through one
 * with the default in-memory state, and without a breaker, in interleaved rounds. The store
 * records every call and adds the counts to Redis in the background, once per flush interval;
 * no call waits on Redis, which is what this measures.
 */
export async function measureOverhead(
  url: string,
  plan: RedisPlan,
  problems: string[],
): Promise<Pick<RedisResults, 'overhead' | 'countedInRedis'>> {
  const client = new Redis(url);
  const admin = new Redis(url);
  const prefix = 'bench-overhead:';
  const store = new RedisBreakerStore({ client, prefix });
  const memory = new CircuitBreaker({ name: 'overhead' });
  const redis = new CircuitBreaker({ name: 'overhead', store });
  try {
    await until(() => store.available, 5_000, 'the Redis store did not become available');
    let errors = 0;
    store.on('storeError', () => errors++);
    const subjects: Record<OverheadSubject, () => Promise<unknown>> = {
      bare: () => succeed(),
      memory: () => memory.execute(succeed),
      redis: () => redis.execute(succeed),
    };
    let round = 0;
    const measured = await measureInterleaved(
      Object.entries(subjects).map(([id, op]) => ({ id, op })),
      {
        warmupRounds: plan.warmupRounds,
        warmupMs: plan.warmupMs,
        rounds: plan.rounds,
        sampleMs: plan.sampleMs,
        onRound: () => plan.onProgress?.('overhead', ++round, plan.rounds),
      },
    );
    await store.close();
    // The counts live in the breaker's state hash, one `b<slot>` field per bucket: `index:calls:…`.
    const hash = await admin.hgetall(`${prefix}{overhead}:state`);
    let countedInRedis = 0;
    for (const [field, value] of Object.entries(hash)) {
      if (/^b\d+$/.test(field)) countedInRedis += Number(value.split(':')[1] ?? 0);
    }
    for (const breaker of [memory, redis]) {
      if (breaker.state !== 'closed') problems.push(`overhead: a breaker is ${breaker.state}`);
    }
    if (errors > 0) problems.push(`overhead: the Redis store reported ${errors} storeError`);
    if (countedInRedis === 0) problems.push('overhead: the Redis store counted nothing in Redis');
    const series = (id: OverheadSubject) => {
      const found = measured.get(id);
      if (found === undefined) throw new Error(`nothing measured for ${id}`);
      if (found.rejected > 0) problems.push(`overhead: ${found.rejected} ${id} calls rejected`);
      return found;
    };
    return {
      overhead: { bare: series('bare'), memory: series('memory'), redis: series('redis') },
      countedInRedis,
    };
  } finally {
    redis.dispose();
    await store.close();
    client.disconnect();
    admin.disconnect();
  }
}

/** Waits for `condition`, looking once per event-loop turn, for at most `ms`. */
export async function until(condition: () => boolean, ms: number, message: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
