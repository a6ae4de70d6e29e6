// The names the examples of packages/got/README.md use without declaring them (each example is
// compiled as a module of its own): what an earlier example set up or imported, and the
// application's own code, typed as an application would have them.
import type * as tripswitchGot from '@tripswitch/got';
import type { Got } from 'got';

declare global {
  // Set up or imported by an earlier example.
  const breakerHooks: typeof tripswitchGot.breakerHooks;
  const inventory: Got;
  const client: Got;

  // The application's own code.
  interface Order {
    readonly id: string;
  }
  const payments: Got;
  function queueForLater(order: Order): Promise<void>;
}
