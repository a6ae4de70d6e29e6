// The names the examples of packages/fetch/README.md use without declaring them (each example is
// compiled as a module of its own): what an earlier example set up or imported, and the
// application's own code, typed as an application would have them.
import type * as tripswitchFetch from '@tripswitch/fetch';
import type * as tripswitchUndici from '@tripswitch/fetch/undici';
import type { Dispatcher } from 'undici';

declare global {
  // Set up or imported by an earlier example.
  const withBreaker: typeof tripswitchFetch.withBreaker;
  const breakerInterceptor: typeof tripswitchUndici.breakerInterceptor;
  const dispatcher: Dispatcher;

  // The application's own code.
  interface Order {
    readonly id: string;
  }
  const url: string;
  function queueForLater(order: Order): Promise<void>;
  function fallback(): unknown;
}
