import * as grpc from '@grpc/grpc-js';
import { Inventory, type Stock } from './shop.ts';

/** Options of {@link startInventoryService}. */
export interface InventoryServiceOptions {
  /** The base URL of the upstream the service reads stock from. */
  upstreamUrl: string;
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** How long the service waits for the upstream, in milliseconds. @defaultValue 2000 */
  upstreamTimeoutMs?: number;
}

/** A running inventory service. */
export interface InventoryService {
  /** `127.0.0.1:<port>`, for a client to connect to. */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * Starts a gRPC shop.Inventory service on 127.0.0.1 that answers GetStock from the upstream's
 * `GET /items/:sku`, so it is exactly as flaky as the upstream: a 503 becomes `UNAVAILABLE` (its
 * `Retry-After` becomes the trailing `grpc-retry-pushback-ms` gRPC servers use to ask for a
 * pause), any other error status `INTERNAL`, and an upstream that cannot be reached in time
 * `UNAVAILABLE`. The caller's `x-client` metadata is passed on, so the upstream counts each
 * client's calls apart.
 *
 * @example
 * ```ts
 * const service = await startInventoryService({ upstreamUrl: 'http://127.0.0.1:4000' });
 * ```
 */
export async function startInventoryService(
  options: InventoryServiceOptions,
): Promise<InventoryService> {
  const { upstreamUrl, port = 0, upstreamTimeoutMs = 2_000 } = options;
  const server = new grpc.Server();
  server.addService(Inventory.service, {
    GetStock(
      call: grpc.ServerUnaryCall<{ sku: string }, Stock>,
      callback: grpc.sendUnaryData<Stock>,
    ) {
      const client = call.metadata.get('x-client')[0];
      const name = typeof client === 'string' ? client : 'grpc';
      lookUp(upstreamUrl, call.request.sku, name, upstreamTimeoutMs).then(
        (stock) => callback(null, stock),
        (status: grpc.StatusObject) => callback(status),
      );
    },
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    );
  });
  return {
    address: `127.0.0.1:${bound}`,
    close: async () => server.forceShutdown(),
  };
}

async function lookUp(
  upstreamUrl: string,
  sku: string,
  client: string,
  timeoutMs: number,
): Promise<Stock> {
  let response: Response;
  try {
    response = await fetch(`${upstreamUrl}/items/${encodeURIComponent(sku)}`, {
      headers: { 'x-client': client },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw status(grpc.status.UNAVAILABLE, `the upstream cannot be reached: ${String(error)}`);
  }
  await response.body?.cancel();
  if (response.ok) return { sku, source: upstreamUrl };
  const trailers = new grpc.Metadata();
  const retryAfter = Number(response.headers.get('retry-after'));
  if (response.status !== 503) {
    throw status(grpc.status.INTERNAL, `the upstream answered ${response.status}`, trailers);
  }
  if (Number.isInteger(retryAfter) && retryAfter > 0) {
    trailers.set('grpc-retry-pushback-ms', String(retryAfter * 1000));
  }
  throw status(grpc.status.UNAVAILABLE, 'the upstream is down', trailers);
}

function status(code: grpc.status, details: string, metadata = new grpc.Metadata()) {
  return { code, details, metadata };
}
