// A client made the way generated code makes one: a service definition object, with its own
// serializers, given to makeGenericClientConstructor — what grpc-tools' `_grpc_pb.js` and ts-proto's
// `outputServices=grpc-js` emit. (Neither generator runs here: both need protoc, a native binary
// downloaded at install time. The definition below is written in their shape, with JSON instead
// of protobuf encoding, which the interceptor never sees.)
import type {
  CallOptions,
  Client,
  ClientReadableStream,
  ClientUnaryCall,
  Metadata,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  ServiceError,
  StatusObject,
  sendUnaryData,
} from '@grpc/grpc-js';
import { expect, it, onTestFinished } from 'vitest';
import { BreakerRegistry, breakerInterceptor, isCircuitOpenError } from '../src/index.ts';
import { ownConnection } from './support/client.ts';
import { grpc, grpcVersion } from './support/grpc.ts';

interface Item {
  id: string;
}

const json = {
  serialize: (value: unknown): Buffer => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer): Item => JSON.parse(bytes.toString()) as Item,
};

const CatalogService = {
  getItem: {
    path: '/catalog.v1.Catalog/GetItem',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
  listItems: {
    path: '/catalog.v1.Catalog/ListItems',
    requestStream: false,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
} satisfies ServiceDefinition;

interface CatalogClient extends Client {
  getItem(
    request: Item,
    metadata: Metadata,
    options: CallOptions,
    callback: (error: ServiceError | null, item?: Item) => void,
  ): ClientUnaryCall;
  listItems(request: Item, metadata: Metadata, options: CallOptions): ClientReadableStream<Item>;
}

const CatalogClient = grpc.makeGenericClientConstructor(
  CatalogService,
  'catalog.v1.Catalog',
) as unknown as new (
  address: string,
  credentials: ReturnType<typeof grpc.credentials.createInsecure>,
  options?: object,
) => CatalogClient;

it('puts the calls of a generated-style client through one breaker for its service', async () => {
  let failing = true;
  let received = 0;
  const server = new grpc.Server();
  server.addService(CatalogService, {
    getItem(call: ServerUnaryCall<Item, Item>, callback: sendUnaryData<Item>) {
      received++;
      if (failing) callback({ code: grpc.status.UNAVAILABLE, details: 'catalog is down' });
      else callback(null, call.request);
    },
    listItems(call: ServerWritableStream<Item, Item>) {
      received++;
      call.write(call.request);
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  const [major = 0, minor = 0] = grpcVersion.split('.').map(Number);
  if (major === 1 && minor < 10) server.start();
  onTestFinished(() => server.forceShutdown());

  let now = 0;
  const registry = new BreakerRegistry();
  const client = new CatalogClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    ...ownConnection,
    interceptors: [
      breakerInterceptor({
        registry,
        clock: { now: () => now },
        minimumCalls: 2,
        openDurationMs: 1_000,
      }),
    ],
  });
  onTestFinished(() => client.close());
  const getItem = (id: string) =>
    new Promise<{ error: ServiceError | null; item?: Item | undefined }>((resolve) => {
      client.getItem({ id }, new grpc.Metadata(), {}, (error, item) => resolve({ error, item }));
    });
  const listItems = (id: string) =>
    new Promise<StatusObject>((resolve) => {
      const stream = client.listItems({ id }, new grpc.Metadata(), {});
      stream.on('data', () => {});
      stream.on('error', () => {});
      stream.on('status', resolve);
    });

  expect((await getItem('1')).error?.code).toBe(grpc.status.UNAVAILABLE);
  expect((await getItem('2')).error?.code).toBe(grpc.status.UNAVAILABLE);
  expect(registry.list().map((breaker) => breaker.name)).toEqual(['/catalog.v1.Catalog']);
  const refused = await getItem('3');
  expect(isCircuitOpenError(refused.error?.cause)).toBe(true);
  expect((await listItems('4')).code).toBe(grpc.status.UNAVAILABLE);
  expect(received).toBe(2);
  failing = false;
  now = 1_000;
  expect((await getItem('5')).item).toEqual({ id: '5' });
  expect(await listItems('6')).toMatchObject({ code: grpc.status.OK });
  expect(received).toBe(4);
});
