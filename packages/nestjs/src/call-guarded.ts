import type { CircuitBreaker, Permit } from '@tripswitch/core';
import { isThenable } from '@tripswitch/core/internal';
import { isObservable } from 'rxjs';
import { callFallback } from './call-fallback.ts';
import type { GuardedMethod } from './guarded-method.ts';
import { guardObservable } from './guarded-observable.ts';
import { registryOf } from './instance-registry.ts';
import { mayWait } from './may-wait.ts';
import { breakerFor } from './retired-breakers.ts';

/**
 * @internal One call of a decorated method. The permit is taken before the method runs, so a
 * refused call never reaches it, and settled by what it returns: at once for a value or a
 * throw, when it settles for a promise. The result keeps the method's own shape: a synchronous
 * method stays synchronous. A method known to return promises waits for its permit when the
 * breaker's bulkhead has a queue; one that may answer synchronously cannot wait.
 */
export function callGuarded(guarded: GuardedMethod, self: unknown, args: unknown[]): unknown {
  const registry = registryOf(self, guarded.label);
  const breaker = breakerFor(registry, guarded.name, guarded.breakerOptions);
  const call = (): unknown => guarded.method.apply(self, args);
  if (guarded.shape === 'observable') return guardObservable(guarded, breaker, self, args, call);
  if (guarded.shape === 'promise' && mayWait(breaker)) {
    return breaker.acquire().then(
      (permit) => callAdmitted(guarded, breaker, permit, self, args, call),
      (error: unknown) => refuse(guarded, self, args, error),
    );
  }
  const permit = breaker.tryAcquire();
  if (permit === null) return refuse(guarded, self, args, breaker.openError());
  return callAdmitted(guarded, breaker, permit, self, args, call);
}

/** Calls the method under `permit`, and settles the permit by what it returns. */
function callAdmitted(
  guarded: GuardedMethod,
  breaker: CircuitBreaker,
  permit: Permit,
  self: unknown,
  args: readonly unknown[],
  call: () => unknown,
): unknown {
  let result: unknown;
  let promise: Promise<unknown> | undefined;
  let observable = false;
  // What the result does while it is looked at — a `then` or `lift` getter that throws, a
  // promise whose `constructor` getter throws — is the method's outcome, as if it had thrown:
  // left outside, it would escape with the permit never settled.
  try {
    result = call();
    if (isObservable(result)) observable = true;
    else if (isThenable(result)) promise = Promise.resolve(result);
  } catch (error) {
    // The core's fallback rule: an error the breaker's isFailure ignores gets no fallback.
    if (permit.failure(error) && guarded.fallback !== undefined) {
      return callFallback(guarded, self, args, error);
    }
    throw error;
  }
  if (observable) {
    // Building an Observable does no work; subscribing does, and each subscription asks for
    // its own permit. From now on the method is called at subscription, under that permit.
    permit.ignore();
    guarded.shape = 'observable';
    return guardObservable(guarded, breaker, self, args, () => result);
  }
  if (promise !== undefined) {
    guarded.shape = 'promise';
    return settleWhenDone(guarded, permit, self, args, promise);
  }
  guarded.shape = 'value';
  permit.success();
  return result;
}

function settleWhenDone(
  guarded: GuardedMethod,
  permit: Permit,
  self: unknown,
  args: readonly unknown[],
  result: Promise<unknown>,
): Promise<unknown> {
  return result.then(
    (value) => {
      permit.success();
      return value;
    },
    (error: unknown) => {
      // The core's fallback rule: an error the breaker's isFailure ignores gets no fallback.
      if (permit.failure(error) && guarded.fallback !== undefined) {
        return callFallback(guarded, self, args, error);
      }
      throw error;
    },
  );
}

/** A refused call: the fallback's result, or the refusal, in the shape of the method's results. */
function refuse(
  guarded: GuardedMethod,
  self: unknown,
  args: readonly unknown[],
  error: unknown,
): unknown {
  const promised = guarded.shape === 'promise';
  if (guarded.fallback === undefined) {
    if (promised) return Promise.reject(error);
    throw error;
  }
  if (!promised) return callFallback(guarded, self, args, error);
  return new Promise((resolve) => resolve(callFallback(guarded, self, args, error)));
}
