import { InvalidOptionError } from '@tripswitch/core';
import { isObservable } from 'rxjs';
import { callGuarded } from './call-guarded.ts';
import { copyMethodIdentity } from './copy-method-identity.ts';
import type { GuardedMethod, ResultShape } from './guarded-method.ts';
import { registerPlan } from './instance-registry.ts';
import { type CircuitBreakerMethodOptions, resolveMethodOptions } from './method-options.ts';
import { reflectMetadata } from './reflect-metadata-api.ts';

/**
 * Puts a method of a provider or a controller behind a circuit breaker from the application's
 * registry (see `TripswitchModule`). Each call asks the breaker for a permit first; while the
 * circuit is open the method is not called, and the call fails with the core's
 * `CircuitOpenError` (an HTTP client receives 503, see `BreakerRefusalFilter`), or returns the
 * `fallback`'s result.
 *
 * - A synchronous method stays synchronous: a value is a success, a throw a failure.
 * - A method that returns a promise is judged when the promise settles.
 * - A method that returns an Observable is admitted when the Observable is subscribed to; the
 *   call is a success when it completes, a failure when it errors, and ignored when the
 *   subscriber unsubscribes first (a cancellation). Declare the return type (`Observable<T>`),
 *   so that even the first call is admitted at subscription.
 * - With a bulkhead that has a queue (`maxQueue`), a promise method's call and an Observable
 *   method's subscription wait for a slot; a synchronous method cannot, and is refused at once.
 *
 * Nest's own method decorators (`@Get`, `@UseGuards`, `@UsePipes`, `@UseInterceptors`...)
 * work above or below this one, and the method keeps its name.
 *
 * @param name - the breaker's name; methods that give the same name share one breaker.
 * Defaults to `ClassName.methodName`.
 * @param options - options for the breaker, plus `fallback`. They override the module's defaults
 * and the configuration for that name, and apply when this method's instance creates the
 * breaker at start-up: a breaker's options are fixed when it is created, so for a name that
 * several methods share, or that `@InjectBreaker()` injects, give them in the configuration.
 * @throws `InvalidOptionError` for an invalid option or a name that another `@CircuitBreaker()`
 * on the method gives already, or a `TypeError` when not on a method.
 *
 * @example
 * ```ts
 * import { Controller, Get, Injectable, Param } from '@nestjs/common';
 * import { CircuitBreaker } from '@tripswitch/nestjs';
 *
 * @Injectable()
 * export class PaymentsService {
 *   @CircuitBreaker('payments', { fallback: 'chargeLater' })
 *   async charge(order: Order): Promise<Receipt> {
 *     return this.gateway.charge(order);
 *   }
 *
 *   chargeLater(order: Order, error: unknown): Receipt {
 *     return this.queue.enqueue(order);
 *   }
 * }
 *
 * @Controller('orders')
 * export class OrdersController {
 *   @Get(':id')
 *   @CircuitBreaker() // named 'OrdersController.findOne'
 *   findOne(@Param('id') id: string): Promise<Order> {
 *     return this.orders.find(id);
 *   }
 * }
 * ```
 */
export function CircuitBreaker(
  name?: string,
  options?: CircuitBreakerMethodOptions,
): MethodDecorator;
/** Puts a method behind a breaker named `ClassName.methodName`, with these options. */
export function CircuitBreaker(options: CircuitBreakerMethodOptions): MethodDecorator;
export function CircuitBreaker(
  nameOrOptions?: string | CircuitBreakerMethodOptions,
  maybeOptions?: CircuitBreakerMethodOptions,
): MethodDecorator {
  const named = typeof nameOrOptions === 'string' || nameOrOptions === undefined;
  const givenName = named ? nameOrOptions : undefined;
  const options: unknown = named ? maybeOptions : nameOrOptions;
  if (named && nameOrOptions !== undefined && nameOrOptions.length === 0) {
    throw new InvalidOptionError('name', nameOrOptions, 'a non-empty string, or nothing');
  }
  if (!named && maybeOptions !== undefined) {
    throw new InvalidOptionError(
      'name',
      nameOrOptions,
      'a string before the options: @CircuitBreaker(name, options)',
    );
  }
  return (target, propertyKey, descriptor) => {
    const method: unknown = descriptor.value;
    const className =
      typeof target === 'function' ? target.name : (target.constructor?.name ?? 'anonymous');
    const label = `${className}.${String(propertyKey)}`;
    if (typeof method !== 'function') {
      throw new TypeError(`@CircuitBreaker() decorates methods; ${label} is not a method`);
    }
    if (typeof target === 'function') {
      throw new TypeError(
        `@CircuitBreaker() decorates instance methods; ${label} is static, and Nest creates no instance to give it a registry`,
      );
    }
    const breakerName = givenName ?? label;
    const inner = breakersOfWrapper.get(method);
    if (inner?.has(breakerName) === true) {
      // Each call would take two permits of one breaker: every call counted twice, and a
      // half-open circuit with one trial slot refusing the inner call of every trial for good.
      throw new InvalidOptionError(
        'name',
        breakerName,
        `another breaker than that of the @CircuitBreaker() already on ${label}`,
        breakerName,
      );
    }
    const { breakerOptions, fallback } = resolveMethodOptions(options, breakerName);
    const guarded: GuardedMethod = {
      name: breakerName,
      className,
      label,
      breakerOptions,
      fallback,
      method: method as GuardedMethod['method'],
      shape: declaredShape(target, propertyKey),
    };
    registerPlan(target, guarded);
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      return callGuarded(guarded, this, args);
    };
    copyMethodIdentity(guarded.method, wrapper);
    breakersOfWrapper.set(wrapper, new Set(inner).add(breakerName));
    (descriptor as PropertyDescriptor).value = wrapper;
  };
}

/**
 * The breakers each decorated method's wrapper calls through — its own and those of the
 * decorators below it — to catch a decorator that names one of them again, however deep.
 */
const breakersOfWrapper = new WeakMap<object, ReadonlySet<string>>();

/** The shape the method's declared return type promises, from TypeScript's emitted metadata. */
function declaredShape(target: object, propertyKey: string | symbol): ResultShape {
  const returnType = reflectMetadata.getMetadata('design:returntype', target, propertyKey);
  if (typeof returnType !== 'function') return 'unknown';
  if (returnType === Promise || returnType.prototype instanceof Promise) return 'promise';
  // Observable, Subject and their subclasses, from whichever copy of rxjs.
  return isObservable(returnType.prototype) ? 'observable' : 'unknown';
}
