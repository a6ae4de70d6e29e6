import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** A request handler as node:http calls it. */
export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** A server on 127.0.0.1 that reports when its event streams close. */
export interface Served {
  /** The server's base URL, such as `http://127.0.0.1:39117`. */
  url: string;
  /** The event-stream responses the server has sent, in order. */
  streams: ServerResponse[];
  /**
   * Resolves once `count` event streams have closed on the server's side, after the dashboard's
   * own `close` listener ran (it was attached first).
   */
  streamsClosed(count: number): Promise<void>;
  /** Stops accepting connections; resolves when every connection is gone. */
  close(): Promise<void>;
}

/** Serves `listener` on a free port of 127.0.0.1 until the test ends. */
export async function serve(listener: Listener): Promise<Served> {
  const streams: ServerResponse[] = [];
  let closedStreams = 0;
  let waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    listener(req, res);
    // An event stream is answered 200 at once; a refused one gets another status.
    const isStream = /\/events(\?|$)/.test(req.url ?? '') && res.statusCode === 200;
    if (!isStream) return;
    streams.push(res);
    res.once('close', () => {
      closedStreams++;
      waiters = waiters.filter((waiter) => {
        if (waiter.count > closedStreams) return true;
        waiter.resolve();
        return false;
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  onTestFinished(close);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    streams,
    streamsClosed: (count) =>
      new Promise<void>((resolve) => {
        if (closedStreams >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    close,
  };
}

/** A response read to the end. */
export interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

/** Sends a request with the global fetch, without following redirects, and reads the body. */
export async function send(url: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  return { status: response.status, headers: response.headers, body: await response.text() };
}
