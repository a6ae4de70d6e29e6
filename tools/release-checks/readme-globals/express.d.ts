// The names the examples of packages/express/README.md use without declaring them (each example
// is compiled as a module of its own): what an earlier example set up or imported, and the
// application's own code, typed as an application would have them.
import type * as tripswitchExpress from '@tripswitch/express';
import type { AxiosInstance } from 'axios';
import type { Express, RequestHandler } from 'express';

declare global {
  // Set up or imported by an earlier example.
  const app: Express;
  const breakerMiddleware: typeof tripswitchExpress.breakerMiddleware;
  const breakerErrorHandler: typeof tripswitchExpress.breakerErrorHandler;

  // The application's own code.
  interface Order {
    readonly id: string;
  }
  const orders: { find(id: string): Promise<Order> };
  const report: RequestHandler;
  const pricingClient: AxiosInstance;
  function cachedCatalog(path: string): unknown;
}
