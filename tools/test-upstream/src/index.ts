/**
 * @module
 * A real HTTP server on 127.0.0.1 for the HTTP client adapters' tests (axios, got, fetch): it
 * counts what it receives and answers as each test scripts it — statuses, hanging, resets, bodies
 * that never end, responses held until released — and the waits its tests share.
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export { closedPort } from './closed-port.ts';
export { deadline } from './deadline.ts';
export { until } from './until.ts';
export { armsTrap, type UserCodeTrap, userCodeTrap } from './user-code-trap.ts';

/** A real HTTP server on 127.0.0.1 that counts the requests it receives. */
export interface Upstream {
  /** `http://127.0.0.1:<port>`, which is also the origin the default key gives. */
  readonly url: string;
  /** Requests received so far. */
  readonly received: number;
  /** The paths of the requests received so far, in order. */
  readonly paths: readonly string[];
  /** Resolves once `count` requests have been received (at once if they have). */
  arrivals(count: number): Promise<void>;
  /** Replaces how requests are answered. */
  answer(handler: RequestListener): void;
}

/** Registers a cleanup to run when the test ends: vitest's `onTestFinished`, passed by the caller. */
export type OnTestFinished = (cleanup: () => Promise<void>) => void;

/**
 * Starts an upstream on port 0 answering with `handler`; it is closed, connections and all, when
 * the test finishes (`onTestFinished` comes from the caller, so this package needs no vitest).
 */
export async function startUpstream(
  onTestFinished: OnTestFinished,
  handler: RequestListener = ok,
): Promise<Upstream> {
  let current = handler;
  const paths: string[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    for (const waiter of waiters.filter((w) => w.count <= paths.length)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    current(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get received() {
      return paths.length;
    },
    paths,
    arrivals(count) {
      if (paths.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    answer(next) {
      current = next;
    },
  };
}

/** Answers 200 with a small JSON body. */
export function ok(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
}

/** Answers with `code`, `headers` and a short body. */
export function status(code: number, headers: Record<string, string> = {}): RequestListener {
  return (_request, response) => {
    response.writeHead(code, headers).end(`status ${code}`);
  };
}

/** Never answers; the connection is closed when the test finishes. */
export function hang(): void {}

/**
 * Sends half a status line and header, then resets the connection (TCP RST): the client sees the
 * connection reset before the response's headers are complete.
 */
export function resetMidHeaders(request: IncomingMessage): void {
  const socket = request.socket;
  socket.write('HTTP/1.1 200 OK\r\ncontent-ty', () => socket.resetAndDestroy());
}

/** Sends the headers and a first chunk of a body that never ends. */
export function endlessBody(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.write('the first chunk of a body that never ends');
}

/**
 * Holds every response until `release()` answers them all with `then` (200 by default), so a
 * test can keep requests in flight while it looks at the breaker.
 */
export function held(): RequestListener & { release(then?: RequestListener): void } {
  const waiting: Array<[IncomingMessage, ServerResponse]> = [];
  let releasedWith: RequestListener | undefined;
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    if (releasedWith) releasedWith(request, response);
    else waiting.push([request, response]);
  };
  return Object.assign(listener, {
    release(then: RequestListener = ok) {
      releasedWith = then;
      for (const [request, response] of waiting.splice(0)) then(request, response);
    },
  });
}
