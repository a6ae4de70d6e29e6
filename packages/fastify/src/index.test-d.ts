// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import type { BreakerRegistry, BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import Fastify, {
  type FastifyContextConfig,
  type FastifyPluginCallback,
  type FastifyRequest,
} from 'fastify';
import { expectTypeOf } from 'vitest';
import {
  type BreakerPluginOptions,
  type BreakerRouteOptions,
  breakerPlugin,
  circuitsHealth,
  type KeyedRouteOptions,
  type NamedRouteOptions,
  type PluginOwnOptions,
  type RefusalProblemFunction,
} from './index.ts';

// The issue's own example compiles against Fastify's types.
const app = Fastify();
await app.register(breakerPlugin, { failureRateThreshold: 50 });
app.get('/orders/:id', async (request) => (request.params as { id: string }).id);
app.get('/internal/ping', { config: { breaker: false } }, async () => 'pong');
app.get(
  '/payments',
  { config: { breaker: { name: 'payments', openDurationMs: 60_000 } } },
  async () => 'paid',
);
app.get('/health/circuits', circuitsHealth());
app.register(breakerPlugin, {
  key: (request) => request.headers['x-tenant'] as string | undefined,
  maxKeys: 500,
});

expectTypeOf(breakerPlugin).toEqualTypeOf<FastifyPluginCallback<BreakerPluginOptions>>();
// The registry is reachable as app.breakers.
expectTypeOf(app.breakers).toEqualTypeOf<BreakerRegistry>();

// The callbacks receive Fastify's request, and onOpen the refusal.
expectTypeOf<BreakerRouteOptions['key']>().toEqualTypeOf<
  ((request: FastifyRequest) => string | undefined) | undefined
>();
expectTypeOf<NonNullable<BreakerRouteOptions['isFailure']>>().parameters.toEqualTypeOf<
  [statusCode: number, request: FastifyRequest]
>();
expectTypeOf<NonNullable<BreakerRouteOptions['onOpen']>>()
  .parameter(2)
  .toEqualTypeOf<CircuitOpenError | BulkheadFullError>();

// One breaker, maybe named, or one per key: each per-key breaker is named by its key, so name and
// key do not go together, on the plugin or on a route.
app.register(breakerPlugin, { name: 'api', maxKeys: 10 });
app.register(breakerPlugin, { key: (request) => request.url, name: undefined });
// @ts-expect-error name and key
app.register(breakerPlugin, { name: 'api', key: (request) => request.url });
app.get(
  '/tenants/:tenant',
  // @ts-expect-error name and key on a route
  { config: { breaker: { name: 'tenants', key: (request) => request.url } } },
  async () => 'ok',
);
expectTypeOf<KeyedRouteOptions>().toExtend<BreakerRouteOptions>();
expectTypeOf<NamedRouteOptions & PluginOwnOptions>().toExtend<BreakerPluginOptions>();

// problem receives the refusal and the default document, and returns the body.
app.register(breakerPlugin, {
  problem: (error, problem) => ({ ...problem, breaker: error.breakerName }),
});
expectTypeOf<NonNullable<BreakerRouteOptions['problem']>>().toEqualTypeOf<RefusalProblemFunction>();

// onOpen may return a payload, the reply, or a promise of either.
app.register(breakerPlugin, { onOpen: (_request, reply) => reply.code(429).send({ busy: true }) });
app.register(breakerPlugin, { onOpen: async () => ({ cached: true }) });

// Breaker options that mean nothing for inbound requests are not options here.
// @ts-expect-error timeoutMs: the plugin cannot abort a route handler
app.register(breakerPlugin, { timeoutMs: 1_000 });
// @ts-expect-error isResultFailure: requests are judged by their status
app.register(breakerPlugin, { isResultFailure: () => true });
// @ts-expect-error fallback: onOpen answers refused requests
app.register(breakerPlugin, { fallback: () => 'cached' });
// A route's config takes the plugin's key, typed.
expectTypeOf<FastifyContextConfig['breaker']>().toEqualTypeOf<
  false | BreakerRouteOptions | undefined
>();
