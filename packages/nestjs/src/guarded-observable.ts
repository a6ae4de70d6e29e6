import type { CircuitBreaker } from '@tripswitch/core';
import { isThenable } from '@tripswitch/core/internal';
import { defer, from, isObservable, Observable, of, Subscription, throwError } from 'rxjs';
import { callFallback } from './call-fallback.ts';
import type { GuardedMethod } from './guarded-method.ts';

/**
 * @internal An Observable that asks `breaker` for a permit each time it is subscribed to, then
 * builds the method's Observable and passes its notifications on. The permit is settled when
 * the source completes (success) or errors (failure). When the subscriber unsubscribes first,
 * the call is a success if a value came through (`firstValueFrom`, `take(1)`: the dependency
 * answered), and ignored otherwise: a call cancelled before any answer says nothing about the
 * dependency.
 */
export function guardObservable(
  guarded: GuardedMethod,
  breaker: CircuitBreaker,
  self: unknown,
  args: readonly unknown[],
  build: () => unknown,
): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    const permit = breaker.tryAcquire();
    if (permit === null) {
      return forward(recover(guarded, self, args, breaker.openError(), true), subscriber);
    }
    let source: Observable<unknown>;
    try {
      source = toObservable(build());
    } catch (error) {
      // The core's fallback rule: an error the breaker's isFailure ignores gets no fallback.
      return forward(recover(guarded, self, args, error, permit.failure(error)), subscriber);
    }
    let answered = false;
    // Runs first on unsubscribe; a no-op once the permit is settled.
    const subscription = new Subscription(() => {
      if (answered) permit.success();
      else permit.ignore();
    });
    subscription.add(
      source.subscribe({
        next: (value) => {
          answered = true;
          subscriber.next(value);
        },
        error: (error: unknown) => {
          const counted = permit.failure(error);
          subscription.add(forward(recover(guarded, self, args, error, counted), subscriber));
        },
        complete: () => {
          permit.success();
          subscriber.complete();
        },
      }),
    );
    return subscription;
  });
}

/** The fallback's result as an Observable, or the error. */
function recover(
  guarded: GuardedMethod,
  self: unknown,
  args: readonly unknown[],
  error: unknown,
  useFallback: boolean,
): Observable<unknown> {
  if (!useFallback || guarded.fallback === undefined) return throwError(() => error);
  return defer(() => toObservable(callFallback(guarded, self, args, error)));
}

function forward(
  source: Observable<unknown>,
  subscriber: { next(value: unknown): void; error(error: unknown): void; complete(): void },
): Subscription {
  return source.subscribe({
    next: (value) => subscriber.next(value),
    error: (error: unknown) => subscriber.error(error),
    complete: () => subscriber.complete(),
  });
}

/** @internal What a method returned, as an Observable: itself, a promise's value, or the value. */
export function toObservable(value: unknown): Observable<unknown> {
  if (isObservable(value)) return value;
  if (isThenable(value)) return from(value);
  return of(value);
}
