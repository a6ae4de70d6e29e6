// The names the examples of packages/nestjs/README.md use without declaring them (each example is
// compiled as a module of its own): what an earlier example imported, and the application's own
// code, typed as an application would have them.
import type * as tripswitchNestjs from '@tripswitch/nestjs';
import type { Observable } from 'rxjs';

declare global {
  // Imported by an earlier example.
  const TripswitchModule: typeof tripswitchNestjs.TripswitchModule;

  // The application's own code.
  interface Order {
    readonly id: string;
  }
  interface Receipt {
    readonly orderId: string;
  }
  interface Price {
    readonly cents: number;
  }
  abstract class PaymentGateway {
    charge(order: Order): Promise<Receipt>;
  }
  abstract class ChargeQueue {
    enqueue(order: Order): Receipt;
  }
  abstract class OrdersService {
    find(id: string): Promise<Order>;
  }
  abstract class PricingClient {
    price(sku: string): Observable<Price>;
  }
  abstract class InventoryApi {
    stock(sku: string, options: { signal: AbortSignal }): Promise<number>;
  }
  function cachedPrice(sku: string): Price;
}
