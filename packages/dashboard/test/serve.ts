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
  /** Resolves once the server has handed `count` requests to the listener, and it returned. */
  requestsHandled(count: number): Promise<void>;
  /** Stops accepting connections; resolves when every connection is gone. */
  close(): Promise<void>;
}

/** Serves `listener` on a free port of 127.0.0.1 until the test ends. */
export async function serve(listener: Listener): Promise<Served> {
  const streams: ServerResponse[] = [];
  const closedStreams = new Counter();
  const handledRequests = new Counter();
  const server = createServer((req, res) => {
    listener(req, res);
    handledRequests.add();
    // An event stream is answered 200 at once; a refused one gets another status.
    const isStream = /\/events(\?|$)/.test(req.url ?? '') && res.statusCode === 200;
    if (!isStream) return;
    streams.push(res);
    res.once('close', () => closedStreams.add());
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
    streamsClosed: (count) => closedStreams.reached(count),
    requestsHandled: (count) => handledRequests.reached(count),
    close,
  };
}

/** A count that can be waited for. */
class Counter {
  #value = 0;
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  add(): void {
    this.#value++;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.count > this.#value) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once the count is at least `count`. */
  reached(count: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#value >= count) resolve();
      else this.#waiters.push({ count, resolve });
    });
  }
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
