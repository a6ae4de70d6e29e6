// The names the examples of README.md use without declaring them. Each example is compiled as a
// module of its own: these stand for what an earlier example set up or imported (`app`,
// `breaker`, `registry`, `CircuitBreaker` …) and for the application's own code (`orders`,
// `charge`, `log` …), typed as an application would have them.
import type * as grpc from '@grpc/grpc-js';
import type { MeterProvider } from '@opentelemetry/api';
import type * as core from '@tripswitch/core';
import type * as tripswitchExpress from '@tripswitch/express';
import type * as tripswitchFetch from '@tripswitch/fetch';
import type { Express } from 'express';
import type { RouteHandlerMethod } from 'fastify';

declare global {
  // Set up or imported by an earlier example.
  const app: Express;
  const breaker: core.CircuitBreaker;
  const registry: core.BreakerRegistry;
  const CircuitBreaker: typeof core.CircuitBreaker;
  const BreakerRegistry: typeof core.BreakerRegistry;
  const isCircuitOpenError: typeof core.isCircuitOpenError;
  const breakerErrorHandler: typeof tripswitchExpress.breakerErrorHandler;
  const withBreaker: typeof tripswitchFetch.withBreaker;

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
  const orders: OrdersService;
  const order: Order;
  const pay: RouteHandlerMethod;
  const inventoryUrl: string;
  const url: string;
  const signal: AbortSignal;
  const options: core.CircuitBreakerOptions;
  const meterProvider: MeterProvider;
  const log: { info(...details: unknown[]): void; warn(...details: unknown[]): void };
  const kv: {
    get(key: string): Promise<core.BreakerSnapshot | undefined>;
    set(key: string, value: core.BreakerSnapshot): Promise<void>;
  };
  function cachedPrice(sku: string): Price;
  const pricingClient: { get(sku: string): Promise<Price> };
  function charge(order: Order, signal: AbortSignal): Promise<Receipt>;
  function callInventory(signal: AbortSignal): Promise<number>;
  // The gRPC inventory service, as @grpc/proto-loader's package definition and generated types
  // would give it.
  interface Stock {
    readonly sku: string;
    readonly count: number;
  }
  interface InventoryClient extends grpc.Client {
    getStock(
      request: { readonly sku: string },
      options: grpc.CallOptions,
      callback: (error: grpc.ServiceError | null, stock?: Stock) => void,
    ): grpc.ClientUnaryCall;
  }
  const inventory: {
    Inventory: new (
      address: string,
      credentials: grpc.ChannelCredentials,
      options?: grpc.ClientOptions,
    ) => InventoryClient;
  };
  const address: string;
}
