import { signalOption } from './abort-signal.ts';
import type { BreakerStats } from './breaker-stats.ts';
import { statsOf } from './breaker-stats.ts';
import {
  admitPlainCall,
  callGuarded,
  type ExecuteOptions,
  executeChecked,
  neverAborted,
  type PlainCall,
} from './call-runner.ts';
import { Circuit } from './circuit.ts';
import type { BulkheadFullError, CircuitOpenError } from './errors.ts';
import type { BreakerEventName, BreakerListener } from './events.ts';
import { type CircuitBreakerOptions, resolveOptions } from './options.ts';
import { BreakerPermit, type Permit } from './permit.ts';
import type { BreakerSnapshot, CircuitState } from './snapshot.ts';

export type { BreakerStats } from './breaker-stats.ts';
export type { ExecuteOptions } from './call-runner.ts';

/**
 * A circuit breaker: it watches the outcome of calls to a dependency and, when too many fail or
 * are slow, refuses further calls for a while (open), then lets a few trial calls through
 * (half-open) and closes again when they succeed.
 *
 * Time is read lazily from the clock; a breaker starts no timers of its own except a call's
 * `timeoutMs`, which is cleared when the call settles.
 *
 * @typeParam TFallback - what the `fallback` option returns.
 *
 * @example
 * ```ts
 * import { CircuitBreaker, isCircuitOpenError } from '@tripswitch/core';
 *
 * const breaker = new CircuitBreaker({ name: 'payments', timeoutMs: 2_000 });
 * breaker.on('stateChange', ({ from, to, reason }) => console.log(`${from} -> ${to} (${reason})`));
 *
 * const receipt = await breaker.execute((signal) => fetch(paymentsUrl, { signal }));
 * ```
 */
export class CircuitBreaker<TFallback = never> {
  readonly #circuit: Circuit;

  constructor(options?: CircuitBreakerOptions<TFallback>) {
    this.#circuit = new Circuit(resolveOptions(options as CircuitBreakerOptions<unknown>));
  }

  /** The breaker's name. */
  get name(): string {
    return this.#circuit.name;
  }

  /**
   * The circuit's state. Time moves it lazily: an open circuit whose open period is over reads
   * `'open'` until the next call asks for a permit and becomes its first trial.
   */
  get state(): CircuitState {
    return this.#circuit.state;
  }

  /**
   * Calls admitted and not yet settled. A call that timed out, or whose caller aborted it, is
   * settled then, even if its function runs on.
   */
  get inFlight(): number {
    return this.#circuit.inFlight;
  }

  /**
   * Calls `fn` through the breaker. `fn` receives an `AbortSignal` that aborts when the call
   * times out (`timeoutMs`) or its caller aborts `options.signal`; pass it on to the I/O.
   *
   * It never throws: whatever `fn` does — throw, throw something that is not an error, return
   * a thenable whose `then` throws — and whatever the caller passes, the outcome is the returned
   * promise, and everything the call took is given back.
   *
   * @returns what `fn` returns, or what `fallback` returns when the call fails or is refused.
   * @throws (rejects with) {@link CircuitOpenError} when the circuit refuses the call (and no
   * fallback is set); {@link CircuitTimeoutError} when the call outlives `timeoutMs`;
   * {@link BulkheadFullError} when the bulkhead is full; the signal's reason when the caller
   * aborts; a TypeError when `fn` is not a function or `options.signal` not an AbortSignal.
   *
   * @example
   * ```ts
   * const user = await breaker.execute((signal) => fetch(`${api}/users/42`, { signal }), { signal: request.signal });
   * ```
   */
  execute<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): Promise<Awaited<T> | TFallback> {
    const circuit = this.#circuit;
    // Everything but the plain path in a function of its own: the fewer values this frame holds,
    // the less an Error that `fn` throws pays to capture it (see admitPlainCall).
    if (options !== undefined || typeof fn !== 'function' || !circuit.plainCalls) {
      return executeChecked(circuit, fn, options) as Promise<Awaited<T> | TFallback>;
    }
    // The plain path; see admitPlainCall for why `fn` is called here and in `wrap`.
    let permit: PlainCall | undefined;
    try {
      permit = admitPlainCall(circuit);
    } catch (error) {
      // The breaker's clock, read to admit or refuse the call, threw: a rejection, never a throw.
      return Promise.reject(error);
    }
    if (permit === undefined) return circuit.refusal();
    let result: unknown;
    try {
      result = fn(neverAborted());
    } catch (error) {
      return permit.threw(error);
    }
    return permit.returned(result) as Promise<Awaited<T> | TFallback>;
  }

  /**
   * Returns a function with `fn`'s parameters that calls `fn` through the breaker. Its result
   * is always a promise. `this` is passed through; `fallback` receives the call's arguments.
   *
   * @example
   * ```ts
   * const getUser = breaker.wrap(async (id: string) => (await fetch(`${api}/users/${id}`)).json());
   * const user = await getUser('42');
   * ```
   */
  wrap<A extends unknown[], R>(
    fn: (...args: A) => R,
  ): (...args: A) => Promise<Awaited<R> | TFallback> {
    if (typeof fn !== 'function') {
      throw new TypeError(`wrap() needs a function to wrap; got ${typeof fn}`);
    }
    const circuit = this.#circuit;
    return function wrapped(this: unknown, ...args: A) {
      if (!circuit.plainCalls) {
        return callGuarded(circuit, fn, this, args, undefined) as Promise<Awaited<R> | TFallback>;
      }
      // The plain path, as in `execute`.
      let permit: PlainCall | undefined;
      try {
        permit = admitPlainCall(circuit);
      } catch (error) {
        return Promise.reject(error);
      }
      if (permit === undefined) return circuit.refusal();
      let result: unknown;
      try {
        result = Reflect.apply(fn, this, args);
      } catch (error) {
        return permit.threw(error);
      }
      return permit.returned(result) as Promise<Awaited<R> | TFallback>;
    };
  }

  /**
   * Asks for a permit to make one call, without waiting. Returns `null` when the circuit
   * refuses (or the bulkhead is full); {@link openError} then builds the matching error. In
   * half-open, each permit is a trial: at most `halfOpenMaxCalls` are out at once.
   */
  tryAcquire(): Permit | null {
    const circuit = this.#circuit;
    const ticket = circuit.admit();
    if (ticket < 0) return null;
    return new BreakerPermit(circuit, ticket, circuit.admittedAt(ticket));
  }

  /**
   * Asks for a permit, waiting in the bulkhead's queue when it is full and queueing is allowed.
   * Rejects with the error {@link openError} would build, the signal's reason (the request
   * counts as `cancelled`), or a TypeError when `options.signal` is not an AbortSignal.
   */
  async acquire(options?: ExecuteOptions): Promise<Permit> {
    const signal = signalOption(options, 'acquire()');
    const circuit = this.#circuit;
    if (signal?.aborted) {
      circuit.cancel(signal.reason, false);
      throw signal.reason;
    }
    const bulkhead = circuit.bulkhead;
    let ticket: number;
    if (bulkhead === undefined) {
      ticket = circuit.admit();
      if (ticket < 0) throw circuit.refusalError();
    } else {
      ticket = await bulkhead.admit(circuit, signal);
    }
    return new BreakerPermit(circuit, ticket, circuit.admittedAt(ticket));
  }

  /**
   * The error that explains the most recent refusal: a {@link CircuitOpenError} (open,
   * half-open with every trial slot taken, forced open), or a {@link BulkheadFullError}. It has
   * no stack trace: refusals are expected and frequent, and capturing one is most of their cost.
   */
  openError(): CircuitOpenError | BulkheadFullError {
    return this.#circuit.refusalError();
  }

  /**
   * Subscribes to an event; returns the function that unsubscribes. Listeners run synchronously;
   * one that throws does not disturb the breaker (see the `callbackError` event).
   *
   * @example
   * ```ts
   * const off = breaker.on('stateChange', ({ name, from, to, reason }) => log.warn({ name, from, to, reason }));
   * ```
   */
  on<K extends BreakerEventName>(event: K, listener: BreakerListener<K>): () => void {
    return this.#circuit.listeners().add(event, listener);
  }

  /** Forces the circuit open: every call is refused until {@link reset}. */
  isolate(): void {
    this.#circuit.isolate();
  }

  /** Lets every call through and keeps measuring, but never trips, until {@link reset}. */
  disable(): void {
    this.#circuit.disable();
  }

  /** Closes the circuit with an empty window, from any state. */
  reset(): void {
    this.#circuit.reset();
  }

  /**
   * Lets go of the breaker's store, if it has one: it stops following the fleet's state. A
   * registry does this for the breakers it evicts or deletes.
   */
  dispose(): void {
    this.#circuit.dispose();
  }

  /** The window's counts and rates now, and totals since the breaker was built. */
  stats(): BreakerStats {
    return statsOf(this.#circuit);
  }

  /**
   * The state and its timing, to restore later with the `initialState` option. A half-open
   * circuit is saved as open with its open period over, so the restored breaker starts fresh
   * trials on its next call. Times are on the breaker's clock: with the default clock, epoch
   * milliseconds (see `systemClock`), which another process — on this host or another
   * whose clock agreed when both processes started — reads alike. A restored open period never
   * lasts longer from the moment it is restored than it was long, however far the clocks differ.
   *
   * @example
   * ```ts
   * const saved = JSON.stringify(breaker); // e.g. into a key-value store between invocations
   * const restored = new CircuitBreaker({ ...options, initialState: JSON.parse(saved) });
   * ```
   */
  toJSON(): BreakerSnapshot {
    const circuit = this.#circuit;
    return circuit.snapshot(circuit.now());
  }
}
