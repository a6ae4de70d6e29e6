import * as grpc from '@grpc/grpc-js';
import type { BreakerRegistry } from '@tripswitch/core';
import { breakerInterceptor } from '@tripswitch/grpc';
import { Inventory, type Stock } from './shop.ts';

/** Options of {@link createInventoryClient}. */
export interface InventoryClientOptions {
  /** Where the inventory service listens: `host:port`. */
  address: string;
  /** Keep the breaker here, to watch it or share it. @defaultValue a registry of its own */
  registry?: BreakerRegistry;
  /** The `x-client` the service passes on to the upstream, which counts calls by it. */
  name?: string;
  /** How long a call may take, in milliseconds. @defaultValue 1000 */
  deadlineMs?: number;
}

/** A client of the inventory service. */
export interface InventoryClient {
  /** Asks for the stock of `sku`; rejects with grpc-js's `ServiceError` when the call fails. */
  getStock(sku: string): Promise<Stock>;
  close(): void;
}

/**
 * A gRPC client of the inventory service, with `@tripswitch/grpc`'s interceptor: a breaker for
 * /shop.Inventory judging its last 10 calls. A call the breaker refuses fails at once with
 * `UNAVAILABLE`, and `isCircuitOpenError(error.cause)` is true.
 *
 * @example
 * ```ts
 * const inventory = createInventoryClient({ address: '127.0.0.1:50051' });
 * const stock = await inventory.getStock('42');
 * ```
 */
export function createInventoryClient(options: InventoryClientOptions): InventoryClient {
  const { address, registry, name = 'grpc', deadlineMs = 1_000 } = options;
  const stub = new Inventory(address, grpc.credentials.createInsecure(), {
    interceptors: [
      breakerInterceptor({
        ...(registry === undefined ? {} : { registry }),
        window: { type: 'count', size: 10 },
        minimumCalls: 5,
      }),
    ],
  });
  return {
    getStock(sku) {
      const metadata = new grpc.Metadata();
      metadata.set('x-client', name);
      return new Promise((resolve, reject) => {
        stub.GetStock({ sku }, metadata, { deadline: Date.now() + deadlineMs }, (error, stock) =>
          error || stock === undefined ? reject(error) : resolve(stock),
        );
      });
    },
    close: () => stub.close(),
  };
}
