import { BreakerRegistry } from '@tripswitch/core';
import type { FastifyInstance, FastifyPluginCallback, RouteOptions } from 'fastify';
import { isHealthHandler } from './circuits-health.ts';
import { type BreakerPluginOptions, checkPluginOptions } from './options.ts';
import { answerRefusals } from './refusal-error-handler.ts';
import { Registration } from './registration.ts';
import { admitRequests, permitSlot } from './request-hooks.ts';

/**
 * Guards the routes of the scope it is registered in with circuit breakers: at the root, every
 * route of the app, child scopes included; inside `app.register(async (scope) => …)`, that
 * scope's routes. Each request asks its route's breaker for a permit; when the circuit refuses,
 * the request is answered at once with 503, `Retry-After` and an `application/problem+json` body
 * (or by `onOpen`), and no later hook, parser or handler runs. Otherwise the outcome is recorded
 * when the response has been sent:
 *
 * - a status of 500 or more is a failure (`isFailure` to change), anything else a success —
 *   including the status Fastify's error handler (or yours) sends for a thrown error;
 * - a response that took at least `slowCallDurationMs` from admission is slow;
 * - a response the server destroyed before ending it (a stream payload that failed mid-way) is
 *   a failure;
 * - a request whose connection closed before the handler ended the response — its client hung
 *   up, or `app.close()` cut it (`forceCloseConnections`) — is ignored, and so is an answer
 *   given once its connection is gone. A response already ended, or destroyed with an error,
 *   still counts.
 *
 * One breaker, named `'fastify'`, guards the scope unless `name` or `key` say otherwise. A route
 * opts out with `config: { breaker: false }`, and gets a breaker of its own with
 * `config: { breaker: { name?, ...options } }`. A `CircuitOpenError` thrown by a handler (from an
 * HTTP client's breaker downstream) is answered with the same 503. The registry is `app.breakers`.
 *
 * Register it, with `await`, before the routes it guards, as with any Fastify plugin that reads
 * their options. A registration in a scope replaces an enclosing one for that scope's routes, and
 * shares its registry unless given one; registering twice in one scope is an error.
 *
 * @throws `InvalidOptionError` (failing the registration) when an option is invalid, and from
 * the route's declaration when a `config.breaker` is.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { breakerPlugin, circuitsHealth } from '@tripswitch/fastify';
 *
 * const app = Fastify();
 * await app.register(breakerPlugin, { failureRateThreshold: 50 });
 * app.get<{ Params: { id: string } }>('/orders/:id', async (request) => orders.find(request.params.id));
 * app.get('/internal/ping', { config: { breaker: false } }, async () => 'pong');
 * app.get('/payments', { config: { breaker: { name: 'payments', openDurationMs: 30_000 } } }, pay);
 * app.get('/health/circuits', circuitsHealth());
 * ```
 */
export const breakerPlugin: FastifyPluginCallback<BreakerPluginOptions> = Object.assign(
  function tripswitchBreakerPlugin(
    instance: FastifyInstance,
    options: BreakerPluginOptions,
    done: (error?: Error) => void,
  ): void {
    try {
      register(instance, options);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  },
  {
    // What fastify-plugin would set: the hooks and decorators go to the scope the plugin is
    // registered in, not to a scope of its own.
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@tripswitch/fastify',
    [Symbol.for('plugin-meta')]: { name: '@tripswitch/fastify', fastify: '5.x' },
  },
);

function register(instance: FastifyInstance, options: unknown): void {
  if (Registration.isRegisteredOn(instance)) {
    throw new Error(
      '@tripswitch/fastify is already registered in this scope. Register it once per scope; to guard part of the app differently, register it again inside that part (app.register(async (scope) => …)), or give routes breakers of their own with config: { breaker: { … } }',
    );
  }
  const enclosing = Registration.nearest(instance);
  const registration = new Registration(
    checkPluginOptions(
      options,
      enclosing?.registry,
      (maxBreakers) => new BreakerRegistry({ maxBreakers }),
    ),
  );
  decorateBreakers(instance, registration.registry, enclosing);
  registration.attachTo(instance);
  if (!instance.hasRequestDecorator(permitSlot)) instance.decorateRequest<null>(permitSlot, null);
  instance.addHook('onRequest', admitRequests(registration));
  instance.addHook('onRoute', function tripswitchRoute(this: FastifyInstance, route: RouteOptions) {
    prepareRoute(this, registration, route);
  });
}

/**
 * Readies a route declared after the plugin: a health route is left out; a route's own options
 * are checked now; refusals thrown downstream get the 503, unless the route has its own error
 * handler (then it decides).
 */
function prepareRoute(
  instance: FastifyInstance,
  registration: Registration,
  route: RouteOptions,
): void {
  // Fastify copies `config` for each route; the user's object is never written to.
  const config = (route.config ?? {}) as { breaker?: unknown };
  if (isHealthHandler(route.handler)) {
    route.config = { ...config, breaker: false };
    return;
  }
  registration.checkRoute(instance, config, route.method, route.url);
  route.errorHandler ??= answerRefusals;
}

/**
 * Makes the registry reachable as `app.breakers` in this scope and the scopes inside it. An
 * enclosing registration's may be shadowed; a decorator of that name from anything else is an
 * error rather than a silent replacement.
 */
function decorateBreakers(
  instance: FastifyInstance,
  registry: BreakerRegistry,
  enclosing: Registration | undefined,
): void {
  const current: unknown = (instance as { breakers?: unknown }).breakers;
  if (current === registry) return;
  if (
    Object.hasOwn(instance, 'breakers') ||
    (current !== undefined && current !== enclosing?.registry)
  ) {
    throw new Error(
      '@tripswitch/fastify decorates the app with its registry as app.breakers, but something else already did: rename that decorator, or register the plugin in a scope where app.breakers is free',
    );
  }
  instance.decorate('breakers', registry);
}
