/**
 * @module
 * `@tripswitch/nestjs`: circuit breakers for NestJS 11 and 12. `@CircuitBreaker()` puts a
 * provider's or a controller's method behind a breaker (synchronous, promise and Observable
 * methods; with a fallback if you like), `TripswitchModule` gives each application its
 * `BreakerRegistry` with per-name options from configuration, and a global filter answers a
 * refused HTTP request with 503, `Retry-After` and a problem document — as does a catch-all
 * filter of yours, since a global interceptor makes the refusal a `BreakerRefusalException`. The core's refusal
 * errors, their guards and `BreakerRegistry` are re-exported. The terminus health indicator is
 * in `@tripswitch/nestjs/terminus`.
 *
 * @example
 * ```ts
 * import { Injectable, Module } from '@nestjs/common';
 * import { CircuitBreaker, TripswitchModule } from '@tripswitch/nestjs';
 *
 * @Injectable()
 * export class PaymentsService {
 *   @CircuitBreaker('payments', { fallback: 'chargeLater' })
 *   async charge(order: Order): Promise<Receipt> { ... }
 *
 *   chargeLater(order: Order, error: unknown): Receipt { ... }
 * }
 *
 * @Module({
 *   imports: [TripswitchModule.forRoot({ breakers: { payments: { openDurationMs: 60_000 } } })],
 *   providers: [PaymentsService],
 * })
 * export class AppModule {}
 * ```
 */
export {
  BreakerRegistry,
  type BreakerRegistryOptions,
  BulkheadFullError,
  /**
   * The core's `CircuitBreaker`, as `@InjectBreaker()` injects it, under a name that does not
   * clash with the decorator.
   */
  type CircuitBreaker as Breaker,
  CircuitOpenError,
  InvalidOptionError,
  isBulkheadFullError,
  isCircuitOpenError,
  isInvalidOptionError,
  type RegistryBreakerOptions,
} from '@tripswitch/core';
export type { RefusalProblem, RefusalProblemFunction } from '@tripswitch/core/http';
export { BreakerRefusalException } from './breaker-refusal-exception.ts';
export { BreakerRefusalFilter } from './breaker-refusal-filter.ts';
export { BreakerRefusalInterceptor } from './breaker-refusal-interceptor.ts';
export { CircuitBreaker } from './circuit-breaker-decorator.ts';
export { breakerToken, InjectBreaker } from './inject-breaker.ts';
export type {
  CircuitBreakerMethodOptions,
  FallbackFunction,
  MethodBreakerOptions,
} from './method-options.ts';
export type { TripswitchModuleAsyncOptions, TripswitchModuleOptions } from './module-options.ts';
export { TripswitchModule } from './tripswitch-module.ts';
