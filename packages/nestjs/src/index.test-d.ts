// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import type { ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CircuitBreaker as CoreCircuitBreaker } from '@tripswitch/core';
import { expectTypeOf } from 'vitest';
import {
  type Breaker,
  BreakerRefusalException,
  type BulkheadFullError,
  CircuitBreaker,
  type CircuitBreakerMethodOptions,
  CircuitOpenError,
  type FallbackFunction,
  InjectBreaker,
  TripswitchModule,
} from './index.ts';

// The breaker type InjectBreaker injects is the core's.
expectTypeOf<Breaker>().toEqualTypeOf<CoreCircuitBreaker>();

// The decorator takes a name, options, or both; options include fallback.
expectTypeOf(CircuitBreaker()).toEqualTypeOf<MethodDecorator>();
expectTypeOf(
  CircuitBreaker('payments', { fallback: 'later', minimumCalls: 5 }),
).toEqualTypeOf<MethodDecorator>();
expectTypeOf(
  CircuitBreaker({ fallback: (order: { id: string }, error: unknown) => ({ order, error }) }),
).toEqualTypeOf<MethodDecorator>();
// @ts-expect-error timeoutMs: the decorator cannot abort a method
CircuitBreaker('x', { timeoutMs: 1_000 });
// @ts-expect-error isResultFailure: a method fails by throwing
CircuitBreaker('x', { isResultFailure: () => true });
// @ts-expect-error a name is a string
CircuitBreaker(42);
expectTypeOf<CircuitBreakerMethodOptions['fallback']>().toEqualTypeOf<
  string | FallbackFunction | undefined
>();

// The factory of forRootAsync receives the injected providers, typed as the user declares them.
TripswitchModule.forRootAsync({
  inject: [ConfigService],
  useFactory: (config: ConfigService) => ({ defaults: { minimumCalls: config.get('n', 10) } }),
});
TripswitchModule.forRootAsync({ useFactory: async () => ({ maxBreakers: 10 }), filter: false });
// @ts-expect-error filter is an option of forRootAsync itself, not of what the factory returns
TripswitchModule.forRootAsync({ useFactory: () => ({ filter: false }) });
// problem shapes the refusal body; it receives the refusal and the problem document.
TripswitchModule.forRoot({
  problem: (error, problem) => ({ ...problem, breaker: error.breakerName }),
});
TripswitchModule.forRootAsync({ useFactory: () => ({}), problem: (_error, problem) => problem });
// @ts-expect-error the body is an object
TripswitchModule.forRoot({ problem: () => 'busy' });

expectTypeOf(InjectBreaker('x')).toExtend<ParameterDecorator>();
expectTypeOf(InjectBreaker('x')).toExtend<PropertyDecorator>();

// A refusal as Nest's HTTP error, still shaped like the core's refusal.
declare const refusalException: BreakerRefusalException;
expectTypeOf(refusalException).toExtend<ServiceUnavailableException>();
expectTypeOf(refusalException.refusal).toEqualTypeOf<CircuitOpenError | BulkheadFullError>();
expectTypeOf(refusalException.code).toEqualTypeOf<'ERR_CIRCUIT_OPEN' | 'ERR_BULKHEAD_FULL'>();
expectTypeOf(refusalException.retryAfterMs).toEqualTypeOf<number | undefined>();
new BreakerRefusalException(new CircuitOpenError('inventory', 'open', 1_000), {
  problem: (_error, problem) => problem,
});
// @ts-expect-error it wraps a refusal, not any error
new BreakerRefusalException(new Error('boom'));
