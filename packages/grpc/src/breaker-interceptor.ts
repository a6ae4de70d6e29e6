import type { InterceptingCall, Interceptor } from '@grpc/grpc-js';
import { BreakerCall } from './breaker-call.ts';
import type { InterceptorOptions, NextCall } from './grpc-types.ts';
import { type GrpcBreakerOptions, resolveGrpcOptions } from './options.ts';

/**
 * Circuit breakers for a grpc-js client: an interceptor that puts every call of the client through
 * a breaker, one per service by default (`/shop.Inventory` for `/shop.Inventory/GetStock`).
 * Unary, client-streaming, server-streaming and bidirectional calls alike; clients made from
 * `@grpc/proto-loader` definitions or from generated code alike.
 *
 * Each call takes a permit when it starts and is judged once, by its final status: `UNAVAILABLE`,
 * `DEADLINE_EXCEEDED`, `RESOURCE_EXHAUSTED`, `INTERNAL`, `UNKNOWN`, `DATA_LOSS` and a `CANCELLED`
 * the caller did not ask for (a server shutting down) are failures; any other status is a success
 * (the service answered); a call its caller cancels is ignored (see `isFailure`). A failure whose
 * trailers carry `grpc-retry-pushback-ms` holds the circuit open at least that long (up to
 * `maxPushbackMs`). A call whose deadline has already passed when it starts goes around the breaker.
 *
 * While the circuit is open — or half-open with every trial in flight, or a `bulkhead` is full —
 * a call ends with status `UNAVAILABLE`, its details naming the breaker, and trailing metadata
 * `grpc-retry-pushback-ms` with the milliseconds until a trial call is let through; no message
 * leaves the process. The status reaches the call's callback or `error` event like any other
 * (never thrown from the stub call), and the `ServiceError`'s `cause` is the core's
 * `CircuitOpenError` (or `BulkheadFullError`): recognise it with `isCircuitOpenError(error.cause)`.
 *
 * Among other interceptors, the first in the list is the first a call meets. Put this one after a
 * retrying interceptor, so each attempt goes through the breaker and retries stop once it opens.
 *
 * @param options - breaker options for each breaker, and how calls are keyed and judged.
 * @returns the interceptor, for the client's `interceptors` option (or a call's).
 * @throws `InvalidOptionError` for a bad option, naming it.
 *
 * @example
 * ```ts
 * import * as grpc from '@grpc/grpc-js';
 * import { breakerInterceptor, isCircuitOpenError } from '@tripswitch/grpc';
 *
 * const client = new shop.Inventory('inventory.internal:50051', grpc.credentials.createInsecure(), {
 *   interceptors: [breakerInterceptor({ failureRateThreshold: 50 })],
 * });
 *
 * client.getStock({ sku: '42' }, { deadline: Date.now() + 2_000 }, (error: grpc.ServiceError | null, stock?: Stock) => {
 *   if (isCircuitOpenError(error?.cause)) {
 *     // refused at once: inventory is failing; its trailers say when a trial goes through
 *   }
 * });
 * ```
 */
export function breakerInterceptor(options?: GrpcBreakerOptions): Interceptor {
  const settings = resolveGrpcOptions(options);
  return function tripswitchBreaker(
    callOptions: InterceptorOptions,
    nextCall: NextCall,
  ): InterceptingCall {
    // grpc-js only calls the methods of the call it gets; its type is a class with private fields.
    return new BreakerCall(settings, callOptions, nextCall) as unknown as InterceptingCall;
  };
}
