// The names the examples of packages/hono/README.md use without declaring them (each example is
// compiled as a module of its own): what an earlier example set up or imported, and the
// application's own code, typed as an application would have them.
import type * as tripswitchHono from '@tripswitch/hono';
import type { Hono } from 'hono';

declare global {
  // Set up or imported by an earlier example.
  const app: Hono;
  const breakerMiddleware: typeof tripswitchHono.breakerMiddleware;

  // The application's own code.
  interface Order {
    readonly id: string;
  }
  const orders: { find(id: string): Promise<Order> };
  function cachedCatalog(path: string): { readonly items: readonly string[] };
}
