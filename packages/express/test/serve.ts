import { createServer, request as httpRequest, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** Serves `app` on 127.0.0.1 with a free port until the test ends; returns the base URL. */
export async function serve(app: RequestListener): Promise<string> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A response read to the end. */
export interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

/** GETs `url` with the global fetch and reads the whole body. */
export async function get(url: string): Promise<Reply> {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/**
 * Starts a GET with node:http, without keep-alive, so the test can hang up mid-request with
 * `destroy()`. The client's own error (socket hang up) is expected and swallowed.
 */
export function startRequest(url: string): { destroy(): void } {
  const clientRequest = httpRequest(url, { agent: false });
  clientRequest.on('error', () => {});
  clientRequest.end();
  onTestFinished(() => {
    clientRequest.destroy();
  });
  return { destroy: () => clientRequest.destroy() };
}
