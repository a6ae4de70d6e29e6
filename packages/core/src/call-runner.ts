import type { Circuit } from './circuit.ts';
import { CircuitTimeoutError } from './errors.ts';
import type { LateSettlementCause } from './events.ts';
import { BreakerPermit } from './permit.ts';
import { observe, promiseOf } from './thenable.ts';

/** Options of a single call through {@link CircuitBreaker.execute}. */
export interface ExecuteOptions {
  /**
   * Cancels the call. A call cancelled by its caller rejects with the signal's reason at once.
   * Cancelled before it was admitted (the signal was already aborted, or aborted while the call
   * waited in the bulkhead's queue) it counts as `cancelled`; cancelled while its function runs,
   * it is ignored: neither a success nor a failure. Anything but an AbortSignal (or undefined)
   * makes the call reject with a TypeError before it takes anything.
   */
  signal?: AbortSignal | undefined;
}

let sharedNeverAborted: AbortSignal | undefined;

/**
 * Calls that need no cancellation share one signal that never aborts, rather than an
 * AbortController each. Created on first use, not at import.
 */
function neverAborted(): AbortSignal {
  sharedNeverAborted ??= new AbortController().signal;
  return sharedNeverAborted;
}

/**
 * @internal Runs calls for `execute` and `wrap`: takes a permit, calls the function, settles the
 * permit from what the function did, and answers the caller — with the function's outcome, the
 * fallback's, a timeout or the caller's abort. Every call is settled through its permit, as an
 * adapter's is; what only this runner adds is the timeout, the caller's signal, the result
 * predicate (`isResultFailure`) and the fallback.
 */
export class CallRunner<TFallback> {
  readonly #circuit: Circuit;

  constructor(circuit: Circuit) {
    this.#circuit = circuit;
  }

  /**
   * Calls `fn` through the breaker. `args` are what the fallback receives; `signal` the caller's,
   * already checked to be an AbortSignal.
   */
  call<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T> | TFallback> {
    if (signal?.aborted) return this.#cancel(signal.reason);
    const circuit = this.#circuit;
    if (circuit.bulkhead !== undefined) return this.#callWhenAdmitted(fn, args, signal);
    const ticket = circuit.admit();
    if (ticket < 0) return this.#fallbackOrThrow(circuit.refusalError(), args);
    return this.#runWith(fn, args, this.#permit(ticket), signal);
  }

  #permit(ticket: number): BreakerPermit {
    const circuit = this.#circuit;
    return new BreakerPermit(circuit, ticket, circuit.startTime());
  }

  #runWith<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    args: readonly unknown[],
    permit: BreakerPermit,
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T> | TFallback> {
    return this.#circuit.settings.timeoutMs === undefined && signal === undefined
      ? this.#run(fn, args, permit)
      : this.#runGuarded(fn, args, permit, signal);
  }

  /**
   * A call with no timeout and no caller's signal. Without a fallback the caller receives the
   * function's own promise, and the permit is settled from a handler attached first, so it runs
   * before the caller resumes.
   */
  #run<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    args: readonly unknown[],
    permit: BreakerPermit,
  ): Promise<Awaited<T> | TFallback> {
    let result: T | PromiseLike<T>;
    // Whatever the function does while it is called and while its result is looked at — throw,
    // hand back a thenable whose `then` getter throws, a promise whose `then` was replaced — is
    // its outcome. Nothing in this block settles the call, so the catch settles it exactly once.
    try {
      result = fn(neverAborted());
      const promise = promiseOf(result) as Promise<Awaited<T>> | undefined;
      if (promise !== undefined) {
        if (this.#circuit.settings.fallback !== undefined) {
          return observe(
            promise,
            (value) => {
              this.#onValue(permit, value);
              return value;
            },
            (error: unknown) => this.#onError(permit, error, args),
          );
        }
        observe(
          promise,
          (value) => this.#onValue(permit, value),
          (error: unknown) => {
            permit.fail(error);
          },
        );
        return promise;
      }
    } catch (error) {
      return this.#onError(permit, error, args);
    }
    this.#onValue(permit, result);
    return Promise.resolve(result as Awaited<T>);
  }

  /**
   * A call with a timeout or a caller's signal: the caller is answered on whichever comes first,
   * the function's outcome, the timeout or the abort. A function that runs on after its caller
   * stopped waiting keeps its bulkhead slot until it settles, so `maxConcurrent` bounds what
   * runs, not what is awaited; the circuit's own accounting ends when the caller is answered.
   */
  #runGuarded<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    args: readonly unknown[],
    permit: BreakerPermit,
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T> | TFallback> {
    const circuit = this.#circuit;
    const timeoutMs = circuit.settings.timeoutMs;
    // The caller may have aborted while the call waited for a bulkhead slot.
    if (signal?.aborted) {
      permit.cancel(signal.reason, true);
      return Promise.reject(signal.reason);
    }
    return new Promise<Awaited<T> | TFallback>((resolve, reject) => {
      const controller = timeoutMs === undefined ? undefined : new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      let waiting = true;
      let cause: LateSettlementCause = 'timeout';
      let stoppedAt = 0;
      /** The caller is answered now; returns false when it already was. */
      const answer = (): boolean => {
        if (!waiting) return false;
        waiting = false;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      /** The caller stops waiting while the function runs on: it keeps its slot till it settles. */
      const leave = (why: LateSettlementCause): void => {
        cause = why;
        stoppedAt = circuit.clock.now();
        circuit.bulkhead?.linger();
      };
      const onAbort = (): void => {
        if (!answer()) return;
        const reason = (signal as AbortSignal).reason;
        leave('cancelled');
        controller?.abort(reason);
        permit.cancel(reason, false);
        reject(reason);
      };
      if (controller !== undefined) {
        timer = setTimeout(() => {
          if (!answer()) return;
          const error = new CircuitTimeoutError(circuit.name, timeoutMs as number);
          leave('timeout');
          controller.abort(error);
          permit.timeOut(error);
          this.#fallbackOrThrow(error, args).then(resolve, reject);
        }, timeoutMs);
      }
      const onValue = (value: Awaited<T>): void => {
        if (answer()) {
          this.#onValue(permit, value);
          resolve(value);
        } else this.#settledLate(stoppedAt, cause);
      };
      const onError = (error: unknown): void => {
        if (answer()) this.#onError(permit, error, args).then(resolve, reject);
        else this.#settledLate(stoppedAt, cause);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let result: unknown;
      let promise: Promise<unknown> | undefined;
      let threw = false;
      // As in #run: what the function does while it is called and looked at is its outcome.
      try {
        result = fn(controller?.signal ?? (signal as AbortSignal));
        promise = promiseOf(result);
        if (promise !== undefined) observe(promise, onValue as (value: unknown) => void, onError);
      } catch (error) {
        threw = true;
        result = error;
      }
      // Judged a microtask later, as a promise's outcome would be: a caller that aborts right
      // after execute() returns has stopped waiting, even for a function that returned at once.
      if (threw) queueMicrotask(() => onError(result));
      else if (promise === undefined) queueMicrotask(() => onValue(result as Awaited<T>));
    });
  }

  /** The function of a call its caller stopped waiting for has settled: its slot is free. */
  #settledLate(stoppedAt: number, cause: LateSettlementCause): void {
    const circuit = this.#circuit;
    circuit.bulkhead?.releaseLingering();
    if (circuit.listens('settledLate')) {
      const lateByMs = Math.max(0, circuit.clock.now() - stoppedAt);
      circuit.emit('settledLate', { name: circuit.name, lateByMs, cause });
    }
  }

  /** The path with a bulkhead: a call may wait for a slot before it runs. */
  async #callWhenAdmitted<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T> | TFallback> {
    const circuit = this.#circuit;
    let ticket: number;
    try {
      ticket = await (circuit.bulkhead as NonNullable<Circuit['bulkhead']>).admit(circuit, signal);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      return this.#fallbackOrThrow(error, args);
    }
    return this.#runWith(fn, args, this.#permit(ticket), signal);
  }

  /** Counts a call its caller cancelled before it was admitted, and rejects with the reason. */
  #cancel(reason: unknown): Promise<never> {
    this.#circuit.cancel(reason, false);
    return Promise.reject(reason);
  }

  #onValue(permit: BreakerPermit, value: unknown): void {
    const circuit = this.#circuit;
    const isResultFailure = circuit.settings.isResultFailure;
    if (
      isResultFailure !== undefined &&
      circuit.ask('isResultFailure', isResultFailure, value, false)
    ) {
      permit.failResult(value);
    } else {
      permit.success();
    }
  }

  #onError(permit: BreakerPermit, error: unknown, args: readonly unknown[]): Promise<TFallback> {
    return permit.fail(error) ? this.#fallbackOrThrow(error, args) : Promise.reject(error);
  }

  #fallbackOrThrow(error: unknown, args: readonly unknown[]): Promise<TFallback> {
    const circuit = this.#circuit;
    const fallback = circuit.settings.fallback;
    if (fallback === undefined) return Promise.reject(error);
    circuit.totals.fallbacks++;
    if (circuit.listens('fallback')) circuit.emit('fallback', { name: circuit.name, error });
    return new Promise<TFallback>((resolve) => resolve(fallback(error, ...args) as TFallback));
  }
}
