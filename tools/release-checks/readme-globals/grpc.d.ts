// The names the examples of packages/grpc/README.md use without declaring them (each example is
// compiled as a module of its own): what an earlier example set up or imported, and the
// application's own code — a client of the README's `shop.Inventory` service, typed as one that
// @grpc/proto-loader's generated types would give — typed as an application would have them.
import * as grpcJs from '@grpc/grpc-js';
import type * as tripswitchGrpc from '@tripswitch/grpc';

declare global {
  // Set up or imported by an earlier example.
  // `import * as grpc from '@grpc/grpc-js'`: its values and its types.
  export import grpc = grpcJs;
  const breakerInterceptor: typeof tripswitchGrpc.breakerInterceptor;
  const isCircuitOpenError: typeof tripswitchGrpc.isCircuitOpenError;
  const inventory: InventoryClient;

  // The application's own code.
  interface Stock {
    readonly sku: string;
    readonly count: number;
  }
  interface InventoryClient extends grpcJs.Client {
    getStock(
      request: { readonly sku: string },
      options: grpcJs.CallOptions,
      callback: (error: grpcJs.ServiceError | null, stock?: Stock) => void,
    ): grpcJs.ClientUnaryCall;
    watchStock(request: { readonly sku: string }): grpcJs.ClientReadableStream<Stock>;
  }
  /** A unary handler's callback, in the service's implementation. */
  const callback: grpcJs.sendUnaryData<Stock>;
  function show(stock: Stock): void;
  function showCached(): void;
  const log: { warn(...details: unknown[]): void };
}
