import { InvalidOptionError } from '@tripswitch/core';
import type { Connection } from './connection.ts';
import { ioredisConnection, isIoredis } from './ioredis-connection.ts';
import { isNodeRedis, nodeRedisConnection } from './node-redis-connection.ts';

/**
 * @internal A connection over the client the user passed: ioredis (`Redis`, `Cluster`) or
 * node-redis (`createClient()`, `createCluster()`), told apart by their shapes.
 */
export function connectionFor(client: unknown, timeoutMs: number): Connection {
  if (typeof client === 'object' && client !== null) {
    if (isNodeRedis(client)) return nodeRedisConnection(client, timeoutMs);
    if (isIoredis(client)) return ioredisConnection(client, timeoutMs);
  }
  throw new InvalidOptionError(
    'client',
    client,
    'an ioredis client (new Redis(), new Cluster()) or a node-redis client (createClient(), createCluster())',
  );
}
