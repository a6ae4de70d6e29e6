// Which breaker a call goes through: one per service by default, a key of the user's, around
// the breaker, a shared registry, and a bound on how many breakers are kept.
import type { Client, ServiceError, StatusObject } from '@grpc/grpc-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BreakerRegistry, breakerInterceptor, type GrpcBreakerOptions } from '../src/index.ts';
import { call } from './support/calls.ts';
import { inventoryClient, ownConnection, service } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import { fail, ok, startInventory } from './support/inventory-server.ts';

const { status } = grpc;

interface PathEnd {
  status: StatusObject;
  error: ServiceError | undefined;
}

/** A unary call to any method path, with a generic client (bytes in, bytes out). */
function callPath(client: Client, path: string): Promise<PathEnd> {
  return new Promise((resolve) => {
    let error: ServiceError | undefined;
    const surface = client.makeUnaryRequest(
      path,
      (value: Buffer) => value,
      (value: Buffer) => value,
      Buffer.alloc(0),
      (e) => {
        error = e ?? undefined;
      },
    );
    surface.on('status', (s: StatusObject) => resolve({ status: s, error }));
  });
}

/**
 * A generic client of the server with the interceptor made from `options`. Its breakers' clock
 * stands still: an open circuit stays open however long the test takes.
 */
function genericClient(address: string, options: GrpcBreakerOptions): Client {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    ...ownConnection,
    interceptors: [breakerInterceptor({ clock: { now: () => 0 }, ...options })],
  });
  onTestFinished(() => client.close());
  return client;
}

describe('by default, one breaker per service', () => {
  it('named /package.Service, shared by its methods; a failing service leaves another alone', async () => {
    const server = await startInventory(onTestFinished, (method) =>
      method === 'GetPrice' ? ok : fail(status.UNAVAILABLE),
    );
    const registry = new BreakerRegistry();
    const client = genericClient(server.address, { registry, minimumCalls: 2 });
    await callPath(client, '/shop.Inventory/GetStock');
    await callPath(client, '/shop.Inventory/WatchStock');
    const refused = await callPath(client, '/shop.Inventory/GetStock');
    expect(refused.error?.cause).toMatchObject({ breakerName: '/shop.Inventory' });
    for (let i = 0; i < 3; i++) {
      expect((await callPath(client, '/shop.Prices/GetPrice')).status.code).toBe(status.OK);
    }
    expect(
      registry
        .list()
        .map((b) => b.name)
        .sort(),
    ).toEqual(['/shop.Inventory', '/shop.Prices']);
    expect(registry.get('/shop.Inventory').stats()).toMatchObject({ state: 'open' });
    expect(registry.get('/shop.Prices').stats()).toMatchObject({
      state: 'closed',
      totals: { successes: 3 },
    });
    expect(server.receivedOf('GetStock') + server.receivedOf('WatchStock')).toBe(2);
    expect(server.receivedOf('GetPrice')).toBe(3);
  });
});

describe('a key of the user’s', () => {
  it('receives the method path; one breaker per method', async () => {
    const server = await startInventory(onTestFinished, (method) =>
      method === 'WatchStock' ? fail(status.INTERNAL) : ok,
    );
    const paths: string[] = [];
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      key: (path) => {
        paths.push(path);
        return path;
      },
    });
    await call(c.client, 'server-streaming').ended;
    expect((await call(c.client, 'server-streaming').ended).error?.cause).toBeDefined();
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.OK);
    expect(paths).toEqual([
      '/shop.Inventory/WatchStock',
      '/shop.Inventory/WatchStock',
      '/shop.Inventory/GetStock',
    ]);
    expect(c.breaker('/shop.Inventory/WatchStock').state).toBe('open');
    expect(c.breaker('/shop.Inventory/GetStock').state).toBe('closed');
    expect(c.registry.has(service)).toBe(false);
  });

  it('returning undefined sends the call around the breaker: never refused, never counted', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      key: (path) => (path.endsWith('/WatchStock') ? undefined : 'inventory'),
    });
    await call(c.client, 'unary').ended;
    expect(c.breaker('inventory').state).toBe('open');
    for (let i = 0; i < 3; i++) {
      expect((await call(c.client, 'server-streaming').ended).status.details).toBe(
        'the server says 14',
      );
    }
    expect(server.received).toBe(4);
    expect(c.registry.size).toBe(1);
    expect(c.breaker('inventory').stats().totals).toMatchObject({ failures: 1, rejected: 0 });
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('no key for you');
      },
      /Tripswitch could not choose a breaker for \/shop.Inventory\/GetStock: no key for you/,
    ],
    ['returns an empty string', () => '', /expected a function returning a non-empty string/],
    ['returns a number', () => 42 as unknown as string, /got 42/],
    [
      'throws something that cannot be printed',
      () => {
        throw Object.create(null);
      },
      /a value that cannot be printed/,
    ],
  ])(
    'that %s ends the call with INTERNAL, at once and through its listener; nothing is sent',
    async (_what, key, details) => {
      const server = await startInventory(onTestFinished, ok);
      const c = inventoryClient(server.address, { key });
      const { status: ended, error } = await call(c.client, 'unary').ended;
      expect(ended.code).toBe(status.INTERNAL);
      expect(ended.details).toMatch(details);
      expect(error?.cause).toBeDefined();
      expect(server.received).toBe(0);
      expect(c.registry.size).toBe(0);
    },
  );
});

describe('a shared registry', () => {
  it('gives two clients of one service one breaker', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const registry = new BreakerRegistry();
    const first = inventoryClient(server.address, { registry, minimumCalls: 2 });
    const second = inventoryClient(server.address, { registry, minimumCalls: 2 });
    await call(first.client, 'unary').ended;
    await call(second.client, 'bidi').ended;
    expect(registry.size).toBe(1);
    expect(registry.get(service).state).toBe('open');
    expect((await call(first.client, 'unary').ended).error?.cause).toBeDefined();
    expect((await call(second.client, 'unary').ended).error?.cause).toBeDefined();
    expect(server.received).toBe(2);
  });
});

describe('maxKeys', () => {
  it('bounds the breakers under a flood of services, and the open one survives it', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const registry = new BreakerRegistry({ maxBreakers: 20 });
    const client = genericClient(server.address, { registry, minimumCalls: 1 });
    await callPath(client, '/shop.Inventory/GetStock');
    expect(registry.get(service).state).toBe('open');
    // 300 services the server does not have: each answers UNIMPLEMENTED, a success.
    for (let i = 0; i < 300; i++) {
      const end = await callPath(client, `/flood${i}.Service/Method`);
      expect(end.status.code).toBe(status.UNIMPLEMENTED);
      expect(registry.size).toBeLessThanOrEqual(20);
    }
    expect(registry.has(service)).toBe(true);
    expect((await callPath(client, '/shop.Inventory/GetStock')).error?.cause).toBeDefined();
    expect(server.receivedOf('GetStock')).toBe(1);
  });

  it('bounds the interceptor’s own registry: a flood of healthy keys keeps the evidence of failures', async () => {
    const server = await startInventory(onTestFinished, (method) =>
      method === 'GetStock' ? fail(status.UNAVAILABLE) : ok,
    );
    const client = genericClient(server.address, {
      maxKeys: 3,
      minimumCalls: 2,
      key: (path) => path,
    });
    const failing = '/shop.Inventory/GetStock';
    await callPath(client, failing);
    // Ten new keys, each answered: the healthy idle breakers make way, not the one with a failure.
    for (let i = 0; i < 10; i++) await callPath(client, `/shop.Inventory/Other${i}`);
    expect((await callPath(client, failing)).error?.cause).toBeUndefined();
    // Its two failures are both in its window: open.
    expect((await callPath(client, failing)).error?.cause).toBeDefined();
    expect(server.receivedOf('GetStock')).toBe(2);
  });

  it('bounds the interceptor’s own registry: with every breaker open, a new key is served unguarded', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const client = genericClient(server.address, {
      maxKeys: 2,
      minimumCalls: 1,
      key: (path) => path,
    });
    for (const path of ['/shop.Inventory/GetStock', '/shop.Inventory/WatchStock']) {
      await callPath(client, path);
      expect((await callPath(client, path)).error?.cause).toBeDefined();
    }
    // A third key finds no room: its calls go through, unrecorded, whatever they end with.
    for (let i = 0; i < 3; i++) {
      const end = await callPath(client, '/shop.Inventory/Restock');
      expect(end.status.code).toBe(status.UNAVAILABLE);
      expect(end.error?.cause).toBeUndefined();
    }
    expect(server.received).toBe(2 + 3);
  });
});
