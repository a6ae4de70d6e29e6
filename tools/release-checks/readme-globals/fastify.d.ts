// The names the examples of packages/fastify/README.md use without declaring them (each example
// is compiled as a module of its own): what an earlier example set up or imported, and the
// application's own code, typed as an application would have them.
import type * as tripswitchFastify from '@tripswitch/fastify';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

declare global {
  // Set up or imported by an earlier example.
  const app: FastifyInstance;
  const breakerPlugin: typeof tripswitchFastify.breakerPlugin;

  // The application's own code.
  interface Order {
    readonly id: string;
  }
  const orders: { find(id: string): Promise<Order> };
  const pay: RouteHandlerMethod;
  const charge: RouteHandlerMethod;
  function cachedCatalog(url: string): unknown;
}
