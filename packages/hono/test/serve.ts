import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { onTestFinished } from 'vitest';

/** What a Hono app of any version offers a server: its fetch handler. */
export interface FetchApp {
  fetch(request: Request, ...rest: never[]): Response | Promise<Response>;
}

/**
 * Serves `app` with `@hono/node-server` over a real socket on 127.0.0.1 and a free port until
 * the test ends; returns the base URL.
 */
export async function serve(app: FetchApp): Promise<string> {
  // The Node request and response go along as `c.env`, as with `serve({ fetch: app.fetch })`.
  const server = createServer(
    getRequestListener((request, env) => app.fetch(request, env as never)),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
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
