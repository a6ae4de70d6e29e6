import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { BreakerStats } from '@tripswitch/core';
import type { ServerName } from './servers.ts';

/** What the run asks a server thread. */
export type ToServer = { type: 'cpu' } | { type: 'stats' } | { type: 'close' };

/** What a server thread answers. */
export type FromServer =
  | { type: 'listening'; port: number }
  | { type: 'cpu'; us: number }
  | { type: 'stats'; stats: BreakerStats[] }
  | { type: 'closed' };

/** A server running in a worker thread of its own (server-worker.ts). */
export interface ServerThread {
  /** Where it listens: `http://127.0.0.1:<port>`. */
  url: string;
  /** The CPU time the server's thread has used so far, in microseconds. */
  cpuUs(): Promise<number>;
  /** The stats of the server's breakers, read in its thread; none for a bare server. */
  breakerStats(): Promise<BreakerStats[]>;
  /** Closes the server and its connections, and waits for the thread to end. */
  close(): Promise<void>;
}

/** Starts `name` of servers.ts in a worker thread and waits until it listens. */
export async function startServerThread(name: ServerName): Promise<ServerThread> {
  const worker = new Worker(new URL('./server-worker.ts', import.meta.url), {
    workerData: { name },
  });
  const ask = async <T extends FromServer['type']>(
    message: ToServer | undefined,
    answer: T,
  ): Promise<Extract<FromServer, { type: T }>> => {
    if (message !== undefined) worker.postMessage(message);
    // once() rejects on the worker's 'error' event, so a crashed server fails the run.
    for (;;) {
      const [reply] = (await once(worker, 'message')) as [FromServer];
      if (reply.type === answer) return reply as Extract<FromServer, { type: T }>;
    }
  };
  const { port } = await ask(undefined, 'listening');
  return {
    url: `http://127.0.0.1:${port}`,
    cpuUs: async () => (await ask({ type: 'cpu' }, 'cpu')).us,
    breakerStats: async () => (await ask({ type: 'stats' }, 'stats')).stats,
    async close() {
      const exited = once(worker, 'exit');
      await ask({ type: 'close' }, 'closed');
      await exited;
    },
  };
}
