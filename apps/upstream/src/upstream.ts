import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Chaos, healthy, parseChaos } from './chaos.ts';
import { seededRandom } from './random.ts';

/** Options of {@link startUpstream}. */
export interface UpstreamOptions {
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Seed of the random failures. @defaultValue 1 */
  seed?: number;
}

/** A running upstream. */
export interface Upstream {
  /** Its base URL, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** The current misbehaviour; change it with {@link Upstream.setChaos}. */
  readonly chaos: Readonly<Chaos>;
  /** Requests received on the service routes (not on /chaos or /stats) since start. */
  readonly requests: number;
  /**
   * Service requests received from one client, as named by its `x-client` request header (the
   * first 16 names are counted apart; later ones together, as `other`).
   */
  requestsFrom(client: string): number;
  /** Changes how the upstream misbehaves, as `POST /chaos` does. */
  setChaos(update: Partial<Chaos>): void;
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

/**
 * Starts a flaky HTTP service for the demos. `GET /items/:id` answers JSON, subject to the chaos
 * settings: added latency, random 500s, or a full outage (503 at once, optionally with
 * Retry-After). Chaos is controlled over HTTP — `GET /chaos`, `POST /chaos` with a JSON body such
 * as `{ "failureRate": 0.5 }`, `POST /chaos/outage`, `POST /chaos/recover` — and `GET /stats`
 * counts the requests the service routes received.
 *
 * @example
 * ```ts
 * const upstream = await startUpstream({ port: 4000 });
 * upstream.setChaos({ outage: true });
 * ```
 */
export async function startUpstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const { port = 0, host = '127.0.0.1', seed = 1 } = options;
  const random = seededRandom(seed);
  let chaos: Chaos = { ...healthy };
  let requests = 0;
  const byClient = new Map<string, number>();
  const setChaos = (update: Partial<Chaos>): void => {
    chaos = { ...chaos, ...update };
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (url.pathname === '/stats' && req.method === 'GET') {
      return json(res, 200, { requests, byClient: Object.fromEntries(byClient) });
    }
    if (url.pathname.startsWith('/chaos')) return control(req, res, url.pathname);
    requests++;
    countClient(req.headers['x-client']);
    serve(res, url.pathname);
  });

  function countClient(header: string | string[] | undefined): void {
    const named = typeof header === 'string' && header !== '' ? header : 'unnamed';
    const client = byClient.has(named) || byClient.size < 16 ? named : 'other';
    byClient.set(client, (byClient.get(client) ?? 0) + 1);
  }

  function control(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (req.method === 'GET' && path === '/chaos') json(res, 200, chaos);
    else if (req.method !== 'POST') json(res, 405, { error: 'use GET or POST' });
    else if (path === '/chaos/outage') {
      setChaos({ outage: true });
      json(res, 200, chaos);
    } else if (path === '/chaos/recover') {
      chaos = { ...healthy };
      json(res, 200, chaos);
    } else if (path === '/chaos') readJson(req, res, update);
    else json(res, 404, { error: 'no such control' });
  }

  function update(res: ServerResponse, body: unknown): void {
    const parsed = parseChaos(body);
    if (typeof parsed === 'string') json(res, 400, { error: parsed });
    else {
      setChaos(parsed);
      json(res, 200, chaos);
    }
  }

  function serve(res: ServerResponse, path: string): void {
    const { outage, retryAfterSeconds, latencyMs, failureRate } = chaos;
    if (outage) {
      // A service that is down refuses at once; only the healthy path pays the latency.
      const headers =
        retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
      json(res, 503, { error: 'upstream is down' }, headers);
      return;
    }
    const failed = random() < failureRate;
    const answer = (): void =>
      failed
        ? json(res, 500, { error: 'random failure' })
        : json(res, 200, { path, served: requests });
    if (latencyMs === 0) answer();
    else setTimeout(answer, latencyMs);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    get chaos() {
      return chaos;
    },
    get requests() {
      return requests;
    },
    requestsFrom: (client) => byClient.get(client) ?? 0,
    setChaos,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function readJson(
  req: IncomingMessage,
  res: ServerResponse,
  then: (res: ServerResponse, body: unknown) => void,
): void {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    text += chunk;
  });
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      json(res, 400, { error: 'the body is not JSON' });
      return;
    }
    then(res, body);
  });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
