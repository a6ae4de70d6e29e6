import type { CircuitBreaker, Permit } from '@tripswitch/core';
import { isThenable } from '@tripswitch/core/internal';
import {
  catchError,
  defer,
  finalize,
  from,
  isObservable,
  Observable,
  of,
  switchMap,
  tap,
  throwError,
} from 'rxjs';
import { callFallback } from './call-fallback.ts';
import type { GuardedMethod } from './guarded-method.ts';
import { mayWait } from './may-wait.ts';

/**
 * @internal An Observable that asks `breaker` for a permit each time it is subscribed to, then
 * builds the method's Observable and passes its notifications on. The permit is settled when
 * the source completes (success) or errors (failure). When the subscriber unsubscribes first,
 * the call is a success if a value came through (`firstValueFrom`, `take(1)`: the dependency
 * answered), and ignored otherwise: a call cancelled before any answer says nothing about the
 * dependency. With a bulkhead, a subscription waits for its permit in the bulkhead's queue, and
 * leaves the queue when its subscriber unsubscribes.
 *
 * Built from rxjs's operators, which tie each subscription to its subscriber's: a source that
 * emits synchronously stops as soon as the subscriber has had enough, as it would unguarded.
 */
export function guardObservable(
  guarded: GuardedMethod,
  breaker: CircuitBreaker,
  self: unknown,
  args: readonly unknown[],
  build: () => unknown,
): Observable<unknown> {
  if (mayWait(breaker)) {
    return waitForPermit(breaker).pipe(
      switchMap((admission) =>
        'permit' in admission
          ? run(guarded, admission.permit, self, args, build)
          : recover(guarded, self, args, admission.refusal, true),
      ),
    );
  }
  return defer(() => {
    const permit = breaker.tryAcquire();
    if (permit === null) return recover(guarded, self, args, breaker.openError(), true);
    return run(guarded, permit, self, args, build);
  });
}

/** Builds the method's Observable under `permit`, and settles the permit by how it ends. */
function run(
  guarded: GuardedMethod,
  permit: Permit,
  self: unknown,
  args: readonly unknown[],
  build: () => unknown,
): Observable<unknown> {
  let source: Observable<unknown>;
  try {
    source = toObservable(build());
  } catch (error) {
    // The core's fallback rule: an error the breaker's isFailure ignores gets no fallback.
    return recover(guarded, self, args, error, permit.failure(error));
  }
  let answered = false;
  return source.pipe(
    tap({
      next: () => {
        answered = true;
      },
      complete: () => permit.success(),
    }),
    catchError((error: unknown) => recover(guarded, self, args, error, permit.failure(error))),
    // On unsubscription; a no-op once the permit is settled.
    finalize(() => (answered ? permit.success() : permit.ignore())),
  );
}

/** The outcome of a wait for a permit: the permit, or what refused it. */
type Admission = { readonly permit: Permit } | { readonly refusal: unknown };

/**
 * Emits the permit `breaker.acquire()` gives, or the refusal, once; a subscriber that leaves
 * while it waits takes its call out of the queue, and a permit that arrives after it left is
 * given back, so it holds no slot.
 */
function waitForPermit(breaker: CircuitBreaker): Observable<Admission> {
  return new Observable<Admission>((subscriber) => {
    const waiting = new AbortController();
    breaker.acquire({ signal: waiting.signal }).then(
      (permit) => {
        if (subscriber.closed) {
          permit.ignore();
          return;
        }
        subscriber.next({ permit });
        subscriber.complete();
      },
      (refusal: unknown) => {
        subscriber.next({ refusal });
        subscriber.complete();
      },
    );
    return () => waiting.abort();
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

/** @internal What a method returned, as an Observable: itself, a promise's value, or the value. */
export function toObservable(value: unknown): Observable<unknown> {
  if (isObservable(value)) return value;
  if (isThenable(value)) return from(value);
  return of(value);
}
