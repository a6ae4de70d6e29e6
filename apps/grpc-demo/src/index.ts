/**
 * @module
 * The gRPC demo: an inventory service that is as flaky as the upstream it reads from, and a
 * client of it with `@tripswitch/grpc`'s interceptor.
 */
export {
  createInventoryClient,
  type InventoryClient,
  type InventoryClientOptions,
} from './inventory-client.ts';
export {
  type InventoryService,
  type InventoryServiceOptions,
  startInventoryService,
} from './inventory-service.ts';
export type { Stock } from './shop.ts';
