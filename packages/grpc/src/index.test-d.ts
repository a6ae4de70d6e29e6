// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import type { Interceptor, StatusObject } from '@grpc/grpc-js';
import { expectTypeOf } from 'vitest';
import { breakerInterceptor, type GrpcBreakerOptions } from './index.ts';

// What grpc-js takes in a client's or a call's `interceptors`.
expectTypeOf(breakerInterceptor()).toEqualTypeOf<Interceptor>();

breakerInterceptor({
  key: (methodPath) => {
    expectTypeOf(methodPath).toEqualTypeOf<string>();
    return methodPath.startsWith('/grpc.health') ? undefined : methodPath;
  },
  isFailure: (status) => {
    expectTypeOf(status).toEqualTypeOf<StatusObject>();
    return status.code === 14;
  },
  maxKeys: 100,
  maxPushbackMs: 60_000,
  failureRateThreshold: 50,
  bulkhead: { maxConcurrent: 20 },
});

// @ts-expect-error a gRPC call's timeout is its deadline.
breakerInterceptor({ timeoutMs: 1_000 });
// @ts-expect-error calls never wait for a bulkhead slot.
breakerInterceptor({ bulkhead: { maxConcurrent: 1, maxQueue: 10 } });
// @ts-expect-error a key names a breaker: a string.
breakerInterceptor({ key: () => 42 });
// @ts-expect-error breakers are named by their key.
breakerInterceptor({ name: 'inventory' });

expectTypeOf<GrpcBreakerOptions['registry']>().not.toBeAny();
