import { freePort } from './free-port.ts';
import { rawCommand } from './raw-command.ts';
import { type RedisServer, startRedisServer } from './start-redis-server.ts';

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** How many masters (no replicas), each with an equal share of the 16,384 slots. @defaultValue 3 */
  masters?: number;
  /** How long the cluster may take to report `cluster_state:ok`. @defaultValue 20_000 */
  readyTimeoutMs?: number;
}

/** A running Redis Cluster of this process's own: masters on 127.0.0.1, no replicas. */
export interface RedisCluster extends AsyncDisposable {
  /** The masters, in slot order: the first holds slot 0. */
  readonly nodes: readonly RedisServer[];
  /** `{ host: '127.0.0.1', port }` of every master, for a cluster client's root nodes. */
  readonly rootNodes: readonly { host: string; port: number }[];
  /** The master that holds `slot`. */
  nodeForSlot(slot: number): RedisServer;
  /** Resolves once every running master reports `cluster_state:ok` and knows every master. */
  ready(timeoutMs?: number): Promise<void>;
  /** Stops every master and removes their directories. */
  stop(): Promise<void>;
}

const slotCount = 16_384;

/**
 * Starts a real Redis Cluster from Debian's `redis-server`: `masters` servers on 127.0.0.1 and
 * free ports (each with its cluster bus on another free port), the slots split evenly, joined with
 * CLUSTER MEET. A master that is killed and restarted keeps its `nodes.conf` (in its directory)
 * and rejoins with its slots; the others go on serving theirs meanwhile
 * (`cluster-require-full-coverage no`), and notice a failure within `cluster-node-timeout` (2 s).
 *
 * @example
 * ```ts
 * await using cluster = await startRedisCluster();
 * const client = new Cluster([...cluster.rootNodes]);
 * ```
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const { masters = 3, readyTimeoutMs = 20_000 } = options;
  const nodes: RedisServer[] = [];
  const busPorts: number[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const busPort = await freePort();
      busPorts.push(busPort);
      nodes.push(
        await startRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-port',
            String(busPort),
            '--cluster-announce-ip',
            '127.0.0.1',
            '--cluster-node-timeout',
            '2000',
            '--cluster-require-full-coverage',
            'no',
          ],
        }),
      );
    }
    // Each meets the first; gossip introduces them to one another. With a bus port that is not
    // the port + 10,000, MEET must be told it.
    for (const [i, node] of nodes.entries()) {
      if (i === 0) continue;
      const meet = ['CLUSTER', 'MEET', '127.0.0.1', String(node.port), String(busPorts[i])];
      await rawCommand((nodes[0] as RedisServer).port, meet);
    }
    const share = Math.ceil(slotCount / masters);
    for (const [i, node] of nodes.entries()) {
      const first = i * share;
      const last = Math.min(slotCount, first + share) - 1;
      await rawCommand(node.port, ['CLUSTER', 'ADDSLOTSRANGE', String(first), String(last)]);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const cluster: RedisCluster = {
    nodes,
    rootNodes: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    nodeForSlot: (slot) => nodes[Math.floor(slot / Math.ceil(slotCount / masters))] as RedisServer,
    async ready(timeoutMs = readyTimeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          nodes
            .filter((node) => node.running)
            .map(async (node) => {
              const info = await rawCommand(node.port, ['CLUSTER', 'INFO']).catch(() => '');
              return (
                /cluster_state:ok/.test(info) && new RegExp(`cluster_size:${masters}\\b`).test(info)
              );
            }),
        );
        if (states.every(Boolean)) return;
        if (performance.now() > deadline) {
          throw new Error(
            `The Redis Cluster did not report cluster_state:ok within ${timeoutMs} ms`,
          );
        }
        // Gossip moves on its own clock; poll it, a little at a time.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
  try {
    await cluster.ready();
  } catch (error) {
    await stop();
    throw error;
  }
  return cluster;
}
