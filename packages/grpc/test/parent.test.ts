// A gateway: a gRPC server whose handler calls the inventory with `parent: call`, so grpc-js
// propagates the gateway call's cancellation and deadline to the call it makes. Neither says
// anything about the inventory's health.
import type { ServerUnaryCall, ServiceError, StatusObject, sendUnaryData } from '@grpc/grpc-js';
import { expect, it, onTestFinished, vi } from 'vitest';
import type { InventoryClient } from './support/calls.ts';
import { inventoryClient, ownConnection, service, type TestClient } from './support/client.ts';
import { grpc, grpcVersion, loadShop } from './support/grpc.ts';
import { hang, ok, startInventory } from './support/inventory-server.ts';

const { status } = grpc;
const [major = 0, minor = 0] = grpcVersion.split('.').map(Number);
const needsStart = major === 1 && minor < 10;

type GatewayCall = ServerUnaryCall<{ sku: string }, unknown>;

/**
 * A gateway serving shop.Prices whose GetPrice asks the inventory, through `inventory`, with the
 * gateway call as parent — after `before(call)` settles. Reports how each inventory call ended.
 */
async function startGateway(
  inventory: TestClient,
  before: (call: GatewayCall) => Promise<void> = async () => {},
): Promise<{ address: string; inventoryEnded: Promise<StatusObject> }> {
  let ended: (status: StatusObject) => void = () => {};
  const inventoryEnded = new Promise<StatusObject>((resolve) => {
    ended = resolve;
  });
  const server = new grpc.Server();
  server.addService(loadShop().Prices.service, {
    GetPrice(call: GatewayCall, callback: sendUnaryData<unknown>) {
      void before(call).then(() => {
        const client = inventory.client as InventoryClient;
        const downstream = client.GetStock(
          { sku: call.request.sku },
          new grpc.Metadata(),
          { parent: call },
          (error, stock) => callback(error, stock),
        );
        downstream.on('status', ended);
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  if (needsStart) server.start();
  onTestFinished(() => server.forceShutdown());
  return { address: `127.0.0.1:${port}`, inventoryEnded };
}

/** A client of the gateway (no breaker of its own). */
function gatewayClient(address: string) {
  const client = new (loadShop().Prices)(
    address,
    grpc.credentials.createInsecure(),
    ownConnection,
  ) as unknown as {
    GetPrice(
      request: { sku: string },
      metadata: InstanceType<typeof grpc.Metadata>,
      options: object,
      callback: (error: ServiceError | null) => void,
    ): { cancel(): void };
    close(): void;
  };
  onTestFinished(() => client.close());
  return client;
}

it('an inventory call cancelled because its parent was is ignored', async () => {
  const server = await startInventory(onTestFinished, hang);
  const inventory = inventoryClient(server.address);
  const gateway = await startGateway(inventory);
  const call = gatewayClient(gateway.address).GetPrice(
    { sku: 'a' },
    new grpc.Metadata(),
    {},
    () => {},
  );
  await server.arrivals(1);
  call.cancel();
  expect(await gateway.inventoryEnded).toMatchObject({ code: status.CANCELLED });
  expect(inventory.breaker().stats()).toMatchObject({
    inFlight: 0,
    totals: { successes: 0, failures: 0, ignored: 1 },
  });
});

it('an inventory call whose parent’s deadline had passed when it started goes around the breaker', async () => {
  const server = await startInventory(onTestFinished, ok);
  const inventory = inventoryClient(server.address);
  // The gateway's handler runs once its call's deadline has passed: the wall clock, which grpc-js
  // reads for deadlines, is moved past it by hand. A short real deadline instead would race the
  // call's arrival on a busy machine.
  const gateway = await startGateway(inventory, async (call) => {
    vi.useFakeTimers({ toFake: ['Date'], now: Number(call.getDeadline()) + 1 });
  });
  onTestFinished(() => {
    vi.useRealTimers();
  });
  const error = await new Promise<ServiceError | null>((resolve) => {
    gatewayClient(gateway.address).GetPrice(
      { sku: 'a' },
      new grpc.Metadata(),
      { deadline: Date.now() + 60_000 },
      resolve,
    );
  });
  expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
  expect(await gateway.inventoryEnded).toMatchObject({ code: status.DEADLINE_EXCEEDED });
  expect(server.received).toBe(0);
  expect(inventory.registry.has(service)).toBe(false);
});
