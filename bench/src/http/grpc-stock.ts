import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** A client stub of bench.Stock (stock.proto), as loadPackageDefinition makes it. */
export interface StockClient extends grpc.Client {
  Get(
    request: { sku: string },
    callback: grpc.requestCallback<{ sku: string; level: number }>,
  ): grpc.ClientUnaryCall;
}

/** bench.Stock, loaded from stock.proto with @grpc/proto-loader, as users load their protos. */
export const Stock = (
  grpc.loadPackageDefinition(
    protoLoader.loadSync(new URL('./stock.proto', import.meta.url).pathname),
  ) as unknown as {
    bench: {
      Stock: {
        new (
          address: string,
          credentials: grpc.ChannelCredentials,
          options?: grpc.ClientOptions,
        ): StockClient;
        service: grpc.ServiceDefinition;
      };
    };
  }
).bench.Stock;
