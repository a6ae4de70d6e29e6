import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { BreakerRegistry, breakerInterceptor } from '@tripswitch/grpc';
import { checkBreaker } from './breaker-check.ts';
import { clientLoopSample } from './client-loop.ts';
import { Stock } from './grpc-stock.ts';
import type { HttpPair, HttpSubject } from './types.ts';

const client = 'const client = new Stock(address, grpc.credentials.createInsecure()';
const call = "client.Get({ sku: '42' }, callback)";

/** grpc-js unary calls to a server that answers at once, without and with the interceptor. */
export const grpcPair: HttpPair = {
  id: 'grpc',
  title: 'gRPC unary calls, breakerInterceptor()',
  driver: 'client loop',
  without: grpcSubject(false, `${client}); ${call}`),
  with: grpcSubject(
    true,
    `${client}, { interceptors: [breakerInterceptor({ registry })] }); ${call}`,
  ),
};

function grpcSubject(withBreaker: boolean, setup: string): HttpSubject {
  return {
    setup,
    async prepare({ plan }) {
      const server = await startGrpcServerThread();
      const registry = new BreakerRegistry();
      // A channel of its own per subject: its connection closes with it.
      const stub = new Stock(
        server.address,
        grpc.credentials.createInsecure(),
        withBreaker ? { interceptors: [breakerInterceptor({ registry })] } : {},
      );
      const get = (): Promise<unknown> =>
        new Promise((resolve, reject) => {
          stub.Get({ sku: '42' }, (error, level) => (error ? reject(error) : resolve(level)));
        });
      return {
        sample: (ms) => clientLoopSample(get, plan.concurrency, ms),
        ...(withBreaker && {
          check: async (answered: number) => checkBreaker(registry.stats(), answered, 'exactly'),
        }),
        async dispose() {
          stub.close();
          await server.close();
        },
      };
    },
  };
}

/** A bench.Stock server in a worker thread of its own (grpc-server-worker.ts). */
async function startGrpcServerThread(): Promise<{ address: string; close(): Promise<void> }> {
  const worker = new Worker(new URL('./grpc-server-worker.ts', import.meta.url));
  // once() rejects on the worker's 'error' event, so a crashed server fails the run.
  const [listening] = (await once(worker, 'message')) as [{ port: number }];
  return {
    address: `127.0.0.1:${listening.port}`,
    async close() {
      const exited = once(worker, 'exit');
      worker.postMessage({ type: 'close' });
      await exited;
    },
  };
}
