// Starts the redis-server every test file shares — a real one, on 127.0.0.1 and a free port,
// with no persistence — and stops it by the PID it recorded when the run ends. Tests that kill or
// restart Redis start a server of their own through the same tool.
import { startRedisServer } from '@tripswitch/redis-server';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the shared server. */
    redisUrl: string;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  console.info(`[redis tests] redis-server pid ${server.pid} on ${server.url}`);
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
