import type { BreakerRegistry } from '@tripswitch/core';
import type { BreakerRouteOptions } from './options.ts';

// What the plugin adds to Fastify's own types: the `app.breakers` decorator, and the `breaker`
// key of a route's `config`.
declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The registry of the breakers that guard this scope: the one of the nearest
     * `breakerPlugin` registration. Read it for stats, events, `isolate()` and `reset()`.
     */
    breakers: BreakerRegistry;
  }

  interface FastifyContextConfig {
    /**
     * `false` takes the route out from behind the breakers; an object gives it a breaker of its
     * own, from the plugin's options with these over them.
     */
    breaker?: false | BreakerRouteOptions;
  }
}
