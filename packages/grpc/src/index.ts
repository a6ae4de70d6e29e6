/**
 * @module
 * `@tripswitch/grpc`: circuit breakers for gRPC clients. `breakerInterceptor()` is a grpc-js
 * client interceptor that puts every call of a client through a breaker, one per service by
 * default; when a service fails, its calls end at once with `UNAVAILABLE` and
 * `grpc-retry-pushback-ms`, and nothing is sent to it until a trial call is due. The core's error
 * classes, their guards and `BreakerRegistry` are re-exported, so this one package is all a gRPC
 * client imports.
 *
 * @example
 * ```ts
 * import * as grpc from '@grpc/grpc-js';
 * import { breakerInterceptor } from '@tripswitch/grpc';
 *
 * const client = new shop.Inventory(address, grpc.credentials.createInsecure(), {
 *   interceptors: [breakerInterceptor({ failureRateThreshold: 50 })],
 * });
 * ```
 */
export {
  BreakerRegistry,
  BulkheadFullError,
  CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
export { breakerInterceptor } from './breaker-interceptor.ts';
export type { GrpcBreakerOptions, GrpcBulkheadOptions, ServiceBreakerOptions } from './options.ts';
export type { RefusalStatus } from './refusal-status.ts';
