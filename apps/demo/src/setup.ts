import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BreakerRegistry, type Clock } from '@tripswitch/core';
import { withBreaker } from '@tripswitch/fetch';
import { createGateway } from 'express-demo';
import { createGateway as createFastifyGateway } from 'fastify-demo';
import { createUpstreamClient } from 'got-demo';
import { createInventoryClient, startInventoryService } from 'grpc-demo';
import { createGateway as createHonoGateway, listenOnNode } from 'hono-demo';
import { createNestDemo } from 'nestjs-demo';
import { startUpstream, type Upstream } from 'upstream';
import {
  type DemoClient,
  fetchClient,
  gatewayClient,
  gotClient,
  grpcClient,
  nestClient,
} from './clients.ts';

/** Everything the scenario runs against, and how to stop it. */
export interface DemoSystem {
  upstream: Upstream;
  gatewayUrl: string;
  fastifyUrl: string;
  nestUrl: string;
  honoUrl: string;
  /** The gRPC inventory service, `host:port`. */
  grpcAddress: string;
  clients: DemoClient[];
  registries: Map<string, BreakerRegistry>;
  close(): Promise<void>;
}

/** Options of {@link startDemoSystem}. */
export interface DemoSystemOptions {
  /** The breakers' source of time; the tests pass a virtual one. @defaultValue the wall clock */
  clock?: Clock;
  /** How long each client waits for the upstream before it gives up. @defaultValue 1_000 */
  upstreamTimeoutMs?: number;
}

/**
 * Starts the upstream, the Express gateway (which calls the upstream through axios), the Fastify
 * gateway (through fetch), the Hono gateway (through withBreaker(fetch)), the NestJS service (a
 * decorated method with a cached fallback), a gRPC service that reads the upstream and a client
 * of it with a breaker, a fetch client with a breaker and two got clients — one with a breaker,
 * one without, the baseline — all on 127.0.0.1 with free ports.
 */
export async function startDemoSystem(options: DemoSystemOptions = {}): Promise<DemoSystem> {
  const { clock, upstreamTimeoutMs = 1_000 } = options;
  const defaults = clock === undefined ? {} : { defaults: { clock } };
  const upstream = await startUpstream();
  const gatewayRegistry = new BreakerRegistry(defaults);
  const gotRegistry = new BreakerRegistry(defaults);
  const fetchRegistry = new BreakerRegistry(defaults);
  const server: Server = createGateway({
    upstreamUrl: upstream.url,
    registry: gatewayRegistry,
    upstreamTimeoutMs,
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fastifyRegistry = new BreakerRegistry(defaults);
  const fastify = await createFastifyGateway({
    upstreamUrl: upstream.url,
    registry: fastifyRegistry,
  });
  const fastifyUrl = await fastify.listen({ port: 0, host: '127.0.0.1' });
  const nest = await createNestDemo({
    upstreamUrl: upstream.url,
    upstreamTimeoutMs,
    ...(clock === undefined ? {} : { clock }),
  });
  await nest.listen(0, '127.0.0.1');
  const nestUrl = `http://127.0.0.1:${((nest.getHttpServer() as Server).address() as AddressInfo).port}`;
  const honoRegistry = new BreakerRegistry(defaults);
  const hono = await listenOnNode(
    createHonoGateway({ upstreamUrl: upstream.url, registry: honoRegistry, upstreamTimeoutMs }),
  );
  const protectedGot = createUpstreamClient({
    upstreamUrl: upstream.url,
    registry: gotRegistry,
    timeoutMs: upstreamTimeoutMs,
  });
  const baseline = createUpstreamClient({
    upstreamUrl: upstream.url,
    breaker: false,
    timeoutMs: upstreamTimeoutMs,
  });
  const protectedFetch = withBreaker(globalThis.fetch, {
    registry: fetchRegistry,
    window: { type: 'count', size: 10 },
    minimumCalls: 5,
  });
  // A gRPC service in front of the upstream, and a client of it through @tripswitch/grpc.
  const grpcRegistry = new BreakerRegistry(defaults);
  const inventory = await startInventoryService({ upstreamUrl: upstream.url, upstreamTimeoutMs });
  const grpc = createInventoryClient({
    address: inventory.address,
    registry: grpcRegistry,
    deadlineMs: upstreamTimeoutMs,
  });
  return {
    upstream,
    gatewayUrl,
    fastifyUrl,
    nestUrl,
    honoUrl: hono.url,
    grpcAddress: inventory.address,
    clients: [
      gatewayClient(gatewayUrl),
      gatewayClient(fastifyUrl, 'Fastify gateway → fetch', 'fastify'),
      gatewayClient(hono.url, 'Hono gateway → fetch', 'hono'),
      nestClient(nestUrl),
      gotClient('got + breaker', 'got', protectedGot),
      fetchClient('fetch + breaker', 'fetch', protectedFetch, upstream.url, upstreamTimeoutMs),
      grpcClient('gRPC + breaker', 'grpc', grpc),
      gotClient('got, no breaker', 'got-baseline', baseline),
    ],
    registries: new Map([
      ['Express gateway', gatewayRegistry],
      ['Fastify gateway', fastifyRegistry],
      ['Hono gateway', honoRegistry],
      ['NestJS', nest.get(BreakerRegistry)],
      ['got client', gotRegistry],
      ['fetch client', fetchRegistry],
      ['gRPC client', grpcRegistry],
    ]),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await fastify.close();
      await hono.close();
      await nest.close();
      grpc.close();
      await inventory.close();
      await upstream.close();
    },
  };
}
