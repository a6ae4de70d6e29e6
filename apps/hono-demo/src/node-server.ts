import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';

/** A Hono app served on Node.js. */
export interface NodeGateway {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

/** Serves `app` on Node.js with `@hono/node-server`, on 127.0.0.1 (`port` 0: a free one). */
export async function listenOnNode(app: Hono, port = 0): Promise<NodeGateway> {
  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
