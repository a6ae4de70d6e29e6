// The names the examples of packages/axios/README.md use without declaring them (each example is
// compiled as a module of its own): what an earlier example set up or imported, and the
// application's own code, typed as an application would have them.
import type * as tripswitchAxios from '@tripswitch/axios';
import type { AxiosInstance } from 'axios';

declare global {
  // Set up or imported by an earlier example.
  const api: AxiosInstance;
  const attachBreaker: typeof tripswitchAxios.attachBreaker;

  // The application's own code.
  interface Order {
    readonly id: string;
  }
  const payments: AxiosInstance;
  function queueForLater(order: Order): Promise<void>;
}
