/**
 * A worker thread that serves bench.Stock with grpc-js on 127.0.0.1, port 0, answering every call
 * at once with a fixed message, so the server has an event loop (and, with two cores or more, a
 * core) of its own rather than sharing the client's. Started by grpc-server-thread.ts; answers its
 * 'close' with 'closed'.
 */

import { parentPort } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { Stock } from './grpc-stock.ts';

const port = parentPort;
if (port === null) throw new Error('grpc-server-worker.ts runs in a worker thread');
const server = new grpc.Server();
server.addService(Stock.service, {
  Get(call: grpc.ServerUnaryCall<{ sku: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
    callback(null, { sku: call.request.sku, level: 42 });
  },
});
port.on('message', (message: { type: string }) => {
  if (message.type !== 'close') return;
  server.forceShutdown();
  port.postMessage({ type: 'closed' });
  port.close();
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => {
  if (error) throw error;
  port.postMessage({ type: 'listening', port: bound });
});
