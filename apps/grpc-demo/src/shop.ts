import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** A stock level, as shop.Inventory answers it. */
export interface Stock {
  sku: string;
  source: string;
}

/** The client stub of shop.Inventory, as the demo calls it. */
export interface InventoryStub extends grpc.Client {
  GetStock(
    request: { sku: string },
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<Stock>,
  ): grpc.ClientUnaryCall;
}

/** shop.Inventory from proto/inventory.proto, loaded with @grpc/proto-loader. */
export const Inventory = (
  grpc.loadPackageDefinition(
    protoLoader.loadSync(new URL('../proto/inventory.proto', import.meta.url).pathname),
  ) as unknown as {
    shop: {
      Inventory: {
        new (
          address: string,
          credentials: grpc.ChannelCredentials,
          options?: grpc.ClientOptions,
        ): InventoryStub;
        service: grpc.ServiceDefinition;
      };
    };
  }
).shop.Inventory;
