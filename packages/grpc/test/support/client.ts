// A shop.Inventory client with the breaker interceptor, on a clock the test moves by hand.

import type { ChannelOptions, Interceptor } from '@grpc/grpc-js';
import type { CircuitBreaker } from '@tripswitch/core';
import { type TestClock, testClock } from '@tripswitch/test-breakers';
import { expect, onTestFinished } from 'vitest';
import { BreakerRegistry, breakerInterceptor, type GrpcBreakerOptions } from '../../src/index.ts';
import type { InventoryClient } from './calls.ts';
import { grpc, loadShop } from './grpc.ts';

/** The default breaker's name: the service. */
export const service = '/shop.Inventory';

/** A client with breakers, the registry they live in, and the clock they read. */
export interface TestClient {
  readonly client: InventoryClient;
  readonly registry: BreakerRegistry;
  readonly clock: TestClock;
  /** The breaker named `name` (the service by default), which must exist already. */
  breaker(name?: string): CircuitBreaker;
}

/** Where other interceptors go, around ours. */
export interface Neighbours {
  /** Interceptors a call meets before ours (further from the server). */
  before?: Interceptor[];
  /** Interceptors a call meets after ours (closer to the server). */
  after?: Interceptor[];
  channelOptions?: ChannelOptions;
}

/**
 * Channel options that give a client connections of its own. grpc-js shares connections between
 * the clients of one process that name the same address, and keeps a closed client's for a while:
 * a test's server can get the port an earlier test's server had, and its client would then start
 * on that earlier, dropped connection, its first call failing UNAVAILABLE without ever reaching
 * the new server.
 */
export const ownConnection = { 'grpc.use_local_subchannel_pool': 1 } as const;

/** A client of the server at `address`; closed when the test finishes. */
export function inventoryClient(
  address: string,
  options: GrpcBreakerOptions = {},
  neighbours: Neighbours = {},
): TestClient {
  const clock = testClock();
  const registry = options.registry ?? new BreakerRegistry();
  const interceptor = breakerInterceptor({ clock, ...options, registry });
  const client = new (loadShop().Inventory)(address, grpc.credentials.createInsecure(), {
    ...ownConnection,
    ...neighbours.channelOptions,
    interceptors: [...(neighbours.before ?? []), interceptor, ...(neighbours.after ?? [])],
  }) as unknown as InventoryClient;
  onTestFinished(() => client.close());
  return {
    client,
    registry,
    clock,
    breaker(name = service) {
      expect(registry.has(name), `a breaker named ${name}`).toBe(true);
      return registry.get(name);
    },
  };
}
