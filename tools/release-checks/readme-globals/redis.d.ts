// The names the examples of packages/redis/README.md use without declaring them (each example is
// compiled as a module of its own): what an earlier example imported, and the application's own
// code, typed as an application would have them.
import type * as tripswitchRedis from '@tripswitch/redis';

declare global {
  // Imported by an earlier example.
  const RedisBreakerStore: typeof tripswitchRedis.RedisBreakerStore;

  // The application's own code.
  interface Order {
    readonly id: string;
  }
  interface Receipt {
    readonly orderId: string;
  }
  const order: Order;
  const payments: { charge(order: Order, options: { signal: AbortSignal }): Promise<Receipt> };
  const log: { info(...details: unknown[]): void; warn(...details: unknown[]): void };
}
