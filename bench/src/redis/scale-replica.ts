// One replica of the fleet-scale benchmark, a process of its own as a replica of a service
// would be: its own ioredis client (or Cluster client), RedisBreakerStore and `names` breakers,
// each seeing a call a second. Driven by fleet-scale.ts over IPC.
import { CircuitBreaker } from '@tripswitch/core';
import { RedisBreakerStore } from '@tripswitch/redis';
import { Cluster, Redis } from 'ioredis';

export type ReplicaRequest =
  | { id: number; op: 'start'; ports: number[]; names: number; prefix: string }
  | { id: number; op: 'counters' | 'close' };

export interface ReplicaCounters {
  calls: number;
  errors: number;
}

let stop: (() => Promise<void>) | undefined;
const counters: ReplicaCounters = { calls: 0, errors: 0 };

async function start(ports: number[], names: number, prefix: string): Promise<void> {
  const client =
    ports.length > 1
      ? new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })))
      : new Redis(`redis://127.0.0.1:${ports[0]}`);
  client.on('error', () => {});
  const store = new RedisBreakerStore({ client, prefix });
  store.on('storeError', () => counters.errors++);
  const breakers = Array.from(
    { length: names },
    (_, i) => new CircuitBreaker({ name: `upstream-${i}`, store }),
  );
  // A call a second for every breaker, spread over the second in ten slices.
  let slice = 0;
  const traffic = setInterval(() => {
    for (let i = slice; i < breakers.length; i += 10) {
      breakers[i]?.tryAcquire()?.success(1);
      counters.calls++;
    }
    slice = (slice + 1) % 10;
  }, 100);
  stop = async () => {
    clearInterval(traffic);
    for (const breaker of breakers) breaker.dispose();
    await store.close();
    client.disconnect();
  };
  const deadline = performance.now() + 30_000;
  while (!store.available) {
    if (performance.now() > deadline) throw new Error('the Redis store did not become available');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

process.on('message', (request: ReplicaRequest) => {
  const reply = (result: unknown, error?: string) =>
    process.send?.({ id: request.id, result, error });
  const run = async () => {
    switch (request.op) {
      case 'start':
        return start(request.ports, request.names, request.prefix);
      case 'counters':
        return { ...counters };
      case 'close':
        await stop?.();
        setImmediate(() => process.disconnect());
        return undefined;
    }
  };
  run().then(
    (result) => reply(result),
    (error: unknown) => reply(undefined, String(error)),
  );
});
