import { InvalidOptionError } from '@tripswitch/core';

/**
 * A Redis client the store can use: an ioredis `Redis` or `Cluster`, or a node-redis client from
 * `createClient()` or `createCluster()` (connected by you, as you would for your own commands).
 * The type asks only for the shape the store tells the libraries apart by, so this package does
 * not depend on either library's types.
 */
export type RedisClient =
  | {
      /** ioredis: sends a command. */
      call: (...args: never[]) => unknown;
      /** ioredis: opens another connection like this one. */
      duplicate: (...args: never[]) => unknown;
      /** ioredis: the connection's status (`'ready'` when connected). */
      status: string;
    }
  | {
      /** node-redis: sends a command. */
      sendCommand: (...args: never[]) => unknown;
      /** node-redis: opens another connection like this one. */
      duplicate: (...args: never[]) => unknown;
      /** node-redis: whether the client is connected. */
      isOpen: boolean;
    };

/** Options of a {@link RedisBreakerStore}. */
export interface RedisBreakerStoreOptions {
  /**
   * The client to share breaker state through: ioredis (`new Redis(url)`, `new Cluster(nodes)`) or
   * node-redis (`createClient({ url })` after `connect()`, `createCluster(...)`). The store sends
   * its commands through it and opens one more connection of its own, a duplicate, for its
   * subscription; it never closes your client.
   */
  client: RedisClient;
  /**
   * Put before every key and the channel. Breakers of the same name under the same prefix share a
   * state; every process of a fleet must use the same prefix, `windowMs` and `bucketMs`.
   * @defaultValue `'tripswitch:'`
   */
  prefix?: string;
  /**
   * How far back the fleet's outcome counts reach: the window a breaker's `fleetCounts` covers
   * (its own window still applies to what it sees alone).
   * @defaultValue 10_000
   */
  windowMs?: number;
  /**
   * The width of one count bucket in Redis: counts are summed per bucket across the fleet, and a
   * bucket expires once it has left the window. `windowMs` must be a multiple of it, at most 120
   * buckets.
   * @defaultValue 1_000
   */
  bucketMs?: number;
  /**
   * How often the counts a process recorded are added to Redis and the fleet's window is read
   * back, for every name of the process in one round trip. A figure older than two intervals is
   * not used. What the store costs Redis follows from it: about 2 commands per counted name per
   * flush on a single Redis, about 3 on a cluster (see the README).
   * @defaultValue 1_000
   */
  flushIntervalMs?: number;
  /**
   * The longest the store waits for any Redis reply before it treats Redis as unavailable (a
   * node-redis command also gets it as its `timeout` option). Calls never wait on Redis.
   * @defaultValue 1_000
   */
  commandTimeoutMs?: number;
  /**
   * How often the store checks, while Redis is unavailable, whether it is back.
   * @defaultValue 1_000
   */
  retryIntervalMs?: number;
  /**
   * How often every bound breaker's state is compared with the one in Redis, which also puts a
   * state back after it was lost (a FLUSHALL, an expiry).
   * @defaultValue 5_000
   */
  syncIntervalMs?: number;
  /**
   * How long a breaker's state stays in Redis after it was last written, counted to or read. A
   * name whose circuit never changed state has no state there, only counts, which go once they
   * have left the window.
   * @defaultValue 86_400_000 (a day)
   */
  stateTtlMs?: number;
}

/** @internal The options, checked and with their defaults. */
export interface Settings {
  readonly prefix: string;
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly buckets: number;
  readonly flushIntervalMs: number;
  readonly commandTimeoutMs: number;
  readonly retryIntervalMs: number;
  readonly syncIntervalMs: number;
  readonly stateTtlMs: number;
}

const optionNames = [
  'client',
  'prefix',
  'windowMs',
  'bucketMs',
  'flushIntervalMs',
  'commandTimeoutMs',
  'retryIntervalMs',
  'syncIntervalMs',
  'stateTtlMs',
] as const;

const maxBuckets = 120;
const maxMs = 2_147_483_647;

/** @internal Checks the options (except `client`) and fills in the defaults. */
export function resolveSettings(options: RedisBreakerStoreOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object { client, prefix?, ... }');
  }
  for (const key of Object.keys(options)) {
    if (!(optionNames as readonly string[]).includes(key)) {
      throw new InvalidOptionError(
        key,
        (options as unknown as Record<string, unknown>)[key],
        `no such RedisBreakerStore option; allowed: ${optionNames.join(', ')}`,
      );
    }
  }
  const {
    prefix = 'tripswitch:',
    windowMs = 10_000,
    bucketMs = 1_000,
    flushIntervalMs = 1_000,
    commandTimeoutMs = 1_000,
    retryIntervalMs = 1_000,
    syncIntervalMs = 5_000,
    stateTtlMs = 86_400_000,
  } = options;
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
    throw new InvalidOptionError(
      'prefix',
      prefix,
      'a string without { or } (the breaker name is the hash tag)',
    );
  }
  integer('bucketMs', bucketMs, 10);
  integer('windowMs', windowMs, bucketMs);
  if (windowMs % bucketMs !== 0 || windowMs / bucketMs > maxBuckets) {
    throw new InvalidOptionError(
      'windowMs',
      windowMs,
      `a multiple of bucketMs (${bucketMs}) of at most ${maxBuckets} buckets`,
    );
  }
  integer('flushIntervalMs', flushIntervalMs, 10);
  integer('commandTimeoutMs', commandTimeoutMs, 1);
  integer('retryIntervalMs', retryIntervalMs, 10);
  integer('syncIntervalMs', syncIntervalMs, 10);
  integer('stateTtlMs', stateTtlMs, 1_000);
  return {
    prefix,
    windowMs,
    bucketMs,
    buckets: windowMs / bucketMs,
    flushIntervalMs,
    commandTimeoutMs,
    retryIntervalMs,
    syncIntervalMs,
    stateTtlMs,
  };
}

function integer(option: string, value: unknown, min: number): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > maxMs) {
    throw new InvalidOptionError(option, value, `an integer number of milliseconds >= ${min}`);
  }
}
