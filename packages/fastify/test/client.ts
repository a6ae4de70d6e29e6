import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { onTestFinished } from 'vitest';

/** How a test reaches the app: Fastify's `inject()`, or a real socket on 127.0.0.1. */
export type Transport = 'inject' | 'socket';

/** Both ways: suites that hold for either run once with each (`describe.each`). */
export const transports: readonly Transport[] = ['inject', 'socket'];

/** A response read to the end. */
export interface Reply {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** Sends requests to an app, and closes it when the test ends. */
export interface Client {
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  request(
    method: string,
    path: string,
    body?: string,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** The base URL, over a socket; undefined with `inject()`. */
  readonly url: string | undefined;
}

/** Readies `app` (listening on 127.0.0.1:0 for `socket`) and returns a client for it. */
export async function clientOf(app: FastifyInstance, transport: Transport): Promise<Client> {
  onTestFinished(() => app.close());
  if (transport === 'inject') {
    await app.ready();
    const request: Client['request'] = async (method, path, body, headers = {}) => {
      const response = await app.inject({
        method: method as 'GET',
        url: path,
        headers,
        ...(body === undefined ? {} : { payload: body }),
      });
      const flat: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) flat[name] = String(value);
      }
      return { status: response.statusCode, headers: flat, body: response.body };
    };
    return {
      url: undefined,
      request,
      get: (path, headers) => request('GET', path, undefined, headers),
    };
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const request: Client['request'] = async (method, path, body, headers = {}) => {
    const response = await fetch(url + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const flat: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      flat[name] = value;
    });
    return { status: response.status, headers: flat, body: await response.text() };
  };
  return { url, request, get: (path, headers) => request('GET', path, undefined, headers) };
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
