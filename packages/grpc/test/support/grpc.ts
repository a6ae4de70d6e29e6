// The grpc-js under test: @grpc/grpc-js, or the copy TRIPSWITCH_GRPC_JS names — the vitest
// project for the oldest version the peer range claims sets it to the `grpc-js-oldest` alias. A
// child process started by a test inherits the variable, and loads the same copy.
import * as loader from '@grpc/proto-loader';

/** The package name of the grpc-js under test. */
export const grpcPackage: string = process.env.TRIPSWITCH_GRPC_JS ?? '@grpc/grpc-js';

/** The grpc-js under test, typed as the current version's. */
export const grpc = (await import(grpcPackage)) as typeof import('@grpc/grpc-js');

/** Its version, for test names and messages. */
export const grpcVersion: string = (
  (await import(`${grpcPackage}/package.json`, { with: { type: 'json' } })) as {
    default: { version: string };
  }
).default.version;

/** The path of the small proto every test serves and calls. */
export const shopProto: string = new URL('./shop.proto', import.meta.url).pathname;

/** What `loadPackageDefinition` makes of shop.proto, as far as the tests use it. */
export interface Shop {
  Inventory: ServiceClient;
  Prices: ServiceClient;
}

type ServiceClient = typeof import('@grpc/grpc-js').Client & {
  service: import('@grpc/grpc-js').ServiceDefinition;
};

/** shop.proto, loaded with @grpc/proto-loader into the grpc-js under test. */
export function loadShop(): Shop {
  const definition = loader.loadSync(shopProto, { keepCase: true, defaults: true });
  return (grpc.loadPackageDefinition(definition) as unknown as { shop: Shop }).shop;
}
