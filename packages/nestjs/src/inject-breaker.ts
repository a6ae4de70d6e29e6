import { Inject } from '@nestjs/common';
import { InvalidOptionError } from '@tripswitch/core';

/**
 * The injection token of the breaker named `name`, for `moduleRef.get()`, custom providers and
 * test overrides. {@link InjectBreaker} injects by it.
 *
 * @example
 * ```ts
 * const payments = app.get<Breaker>(breakerToken('payments'));
 * ```
 */
export function breakerToken(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError('name', name, 'a non-empty string');
  }
  return `tripswitch:breaker:${name}`;
}

/**
 * Injects the breaker named `name` from the application's registry, for calls you protect
 * yourself (`breaker.execute(fn)`, permits). Import `TripswitchModule.forFeature([name])` in
 * the module that injects it. The breaker is created at start-up, with the options configured
 * for its name.
 *
 * @throws `InvalidOptionError` when `name` is not a non-empty string.
 *
 * @example
 * ```ts
 * import { Injectable } from '@nestjs/common';
 * import { type Breaker, InjectBreaker } from '@tripswitch/nestjs';
 *
 * @Injectable()
 * export class InventoryClient {
 *   constructor(@InjectBreaker('inventory') private readonly breaker: Breaker) {}
 *
 *   stock(sku: string): Promise<number> {
 *     return this.breaker.execute((signal) => this.http.stock(sku, { signal }));
 *   }
 * }
 * ```
 */
export function InjectBreaker(name: string): PropertyDecorator & ParameterDecorator {
  return Inject(breakerToken(name));
}
