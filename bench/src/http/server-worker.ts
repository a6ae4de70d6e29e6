/**
 * A worker thread that runs one server of servers.ts on 127.0.0.1 with port 0, so the server has
 * an event loop (and, on a machine with two cores or more, a core) of its own rather than sharing
 * the load generator's. Started by server-thread.ts; see its messages there.
 */
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { ToServer } from './server-thread.ts';
import { buildServer, type ServerName } from './servers.ts';

const port = parentPort;
if (port === null) throw new Error('server-worker.ts runs in a worker thread');
const { listener, registry } = await buildServer((workerData as { name: ServerName }).name);
const server = createServer(listener);

const onMessage = (message: ToServer): void => {
  if (message.type === 'cpu') {
    const { user, system } = process.threadCpuUsage();
    port.postMessage({ type: 'cpu', us: user + system });
  } else if (message.type === 'stats') {
    port.postMessage({ type: 'stats', stats: registry?.stats() ?? [] });
  } else {
    port.off('message', onMessage);
    server.closeAllConnections();
    server.close(() => port.postMessage({ type: 'closed' }));
  }
};
port.on('message', onMessage);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not a TCP server');
  port.postMessage({ type: 'listening', port: address.port });
});
