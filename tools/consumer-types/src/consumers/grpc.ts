// @tripswitch/grpc on a grpc-js client.
import * as grpc from '@grpc/grpc-js';
import {
  BreakerRegistry,
  breakerInterceptor,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/grpc';

export function grpcClient(address: string): grpc.Client {
  const registry = new BreakerRegistry({ maxBreakers: 100 });
  const interceptor: grpc.Interceptor = breakerInterceptor({
    registry,
    failureRateThreshold: 50,
    bulkhead: { maxConcurrent: 20 },
  });
  return new grpc.Client(address, grpc.credentials.createInsecure(), {
    interceptors: [interceptor],
  });
}

export function refusedAtOnce(error: grpc.ServiceError): boolean {
  return isCircuitOpenError(error.cause) || isBulkheadFullError(error.cause);
}
