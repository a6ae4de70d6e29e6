// The Redis clients the store is tested with: both majors of ioredis and of node-redis, each a
// real client connected to a real server. They reconnect quickly, so that outage tests end soon.
import { Cluster as Cluster6, Redis as Ioredis6 } from 'ioredis';
import { Cluster as Cluster5, Redis as Ioredis5 } from 'ioredis5';
import { createClient as createClient6, createCluster as createCluster6 } from 'redis';
import { createClient as createClient5, createCluster as createCluster5 } from 'redis5';
import type { RedisClient } from '../../src/index.ts';

export const clientKinds = ['ioredis 6', 'ioredis 5', 'node-redis 6', 'node-redis 5'] as const;
export type ClientKind = (typeof clientKinds)[number];

export interface TestClient {
  readonly client: RedisClient;
  close(): Promise<void>;
}

const reconnectMs = 50;

/** A client of `kind`, connected (node-redis) or connecting (ioredis) to `url`. */
export async function connectClient(kind: ClientKind, url: string): Promise<TestClient> {
  switch (kind) {
    case 'ioredis 6':
      return ioredis(new Ioredis6(url, { retryStrategy: () => reconnectMs }));
    case 'ioredis 5':
      return ioredis(new Ioredis5(url, { retryStrategy: () => reconnectMs }));
    case 'node-redis 6':
      return nodeRedis(createClient6({ url, socket: { reconnectStrategy: () => reconnectMs } }));
    case 'node-redis 5':
      return nodeRedis(createClient5({ url, socket: { reconnectStrategy: () => reconnectMs } }));
  }
}

type Ioredis = Ioredis6 | Ioredis5 | Cluster6 | Cluster5;

function ioredis(client: Ioredis): TestClient {
  (client as Pick<Ioredis6, 'on'>).on('error', () => {});
  return { client, close: async () => client.disconnect() };
}

type NodeRedis =
  | ReturnType<typeof createClient6>
  | ReturnType<typeof createClient5>
  | ReturnType<typeof createCluster6>
  | ReturnType<typeof createCluster5>;

async function nodeRedis(client: NodeRedis): Promise<TestClient> {
  (client as Pick<ReturnType<typeof createClient6>, 'on'>).on('error', () => {});
  await (client as Pick<ReturnType<typeof createClient6>, 'connect'>).connect();
  return {
    client,
    close: async () => {
      if (client.isOpen) client.destroy();
    },
  };
}

export const clusterKinds = [
  'ioredis 6 Cluster',
  'ioredis 5 Cluster',
  'node-redis 6 createCluster',
  'node-redis 5 createCluster',
] as const;
export type ClusterKind = (typeof clusterKinds)[number];

/** A cluster client of `kind` whose root node is 127.0.0.1:`port`, connected. */
export async function connectClusterClient(kind: ClusterKind, port: number): Promise<TestClient> {
  const node = { host: '127.0.0.1', port };
  switch (kind) {
    case 'ioredis 6 Cluster':
      return ioredis(new Cluster6([node], { clusterRetryStrategy: () => reconnectMs }));
    case 'ioredis 5 Cluster':
      return ioredis(new Cluster5([node], { clusterRetryStrategy: () => reconnectMs }));
    case 'node-redis 6 createCluster':
      return nodeRedis(createCluster6({ rootNodes: [{ url: `redis://127.0.0.1:${port}` }] }));
    case 'node-redis 5 createCluster':
      return nodeRedis(createCluster5({ rootNodes: [{ url: `redis://127.0.0.1:${port}` }] }));
  }
}
