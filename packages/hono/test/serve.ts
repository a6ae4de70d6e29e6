import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { onTestFinished } from 'vitest';

/** What a Hono app of any version offers a server: its fetch handler. */
export interface FetchApp {
  fetch(request: Request, ...rest: never[]): Response | Promise<Response>;
}

/** A server a test may shut down itself, as an application does on a deploy. */
export interface Served {
  /** The base URL: `http://127.0.0.1:<port>`. */
  url: string;
  server: Server;
}

/**
 * Serves `app` with `@hono/node-server` over a real socket on 127.0.0.1 and a free port until
 * the test ends; returns the base URL and the server. A test may close the server itself: the
 * teardown then waits for that close to finish.
 */
export async function startServer(app: FetchApp): Promise<Served> {
  // The Node request and response go along as `c.env`, as with `serve({ fetch: app.fetch })`.
  const server = createServer(
    getRequestListener((request, env) => app.fetch(request, env as never)),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // Listened for now: the server emits 'close' once, and a test that closed it may have seen it go.
  const closed = once(server, 'close');
  onTestFinished(async () => {
    server.closeAllConnections();
    if (server.listening) server.close();
    await closed;
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * Serves `app` with `@hono/node-server` over a real socket on 127.0.0.1 and a free port until
 * the test ends; returns the base URL.
 */
export async function serve(app: FetchApp): Promise<string> {
  return (await startServer(app)).url;
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
