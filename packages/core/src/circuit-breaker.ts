import { signalOption } from './abort-signal.ts';
import { Bulkhead } from './bulkhead.ts';
import type { Clock } from './clock.ts';
import {
  type BulkheadFullError,
  CircuitOpenError,
  CircuitTimeoutError,
  InvalidOptionError,
} from './errors.ts';
import {
  type BreakerEventName,
  type BreakerListener,
  type IgnoreReason,
  type LateSettlementCause,
  Listeners,
  type RejectionReason,
  type TransitionReason,
} from './events.ts';
import { limits } from './limits.ts';
import { type CircuitBreakerOptions, resolveOptions, type Settings } from './options.ts';
import { BreakerPermit, type Permit, type Settler } from './permit.ts';
import {
  closedPhase,
  disabledPhase,
  forcedOpenPhase,
  halfOpenAfter,
  initialPhase,
  type Phase,
  phaseOf,
  sameState,
  sharedStateOf,
  snapshotOf,
} from './phase.ts';
import type { BreakerSnapshot, CircuitState } from './snapshot.ts';
import type { SharedCircuitState, StoreBinding } from './store.ts';
import { observe, promiseOf } from './thenable.ts';
import { CountWindow } from './windows/count-window.ts';
import type { OutcomeWindow } from './windows/outcome-window.ts';
import { TimeWindow } from './windows/time-window.ts';
import { withoutStackTrace } from './without-stack-trace.ts';

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

/** What {@link CircuitBreaker.stats} reports: the window now, and totals since the breaker was built. */
export interface BreakerStats {
  /** The breaker's name. */
  name: string;
  /** The circuit's state now (see {@link CircuitBreaker.state}). */
  state: CircuitState;
  /** Failed calls in the window, in percent of its calls (0 when it is empty). */
  failureRate: number;
  /** Slow calls in the window, in percent of its calls (0 when it is empty). */
  slowCallRate: number;
  /** Calls in the window. */
  calls: number;
  /** Failed calls in the window. */
  failures: number;
  /** Slow calls in the window. */
  slowCalls: number;
  /** Failures since the last success. */
  consecutiveFailures: number;
  /**
   * Calls admitted and not yet settled. A call that timed out, or whose caller aborted it, is
   * settled then, even if its function runs on (see `bulkhead.lingering`).
   */
  inFlight: number;
  /**
   * When the circuit opened, while it is open: wall-clock milliseconds since the epoch (the
   * clock's `wallNow()`), for people and dashboards. A step of the system clock moves it, as it
   * moves every wall-clock time; it never changes how long the circuit stays open.
   */
  openedAt: number | undefined;
  /**
   * Milliseconds until the circuit admits a trial call, while it is open; measured on the
   * breaker's clock, so a step of the system clock does not change it.
   */
  retryAfterMs: number | undefined;
  /** The bulkhead's slots, when a bulkhead is set. */
  bulkhead:
    | {
        /** Slots taken: calls whose function is running, the lingering ones included. */
        active: number;
        /** Calls waiting for a slot. */
        queued: number;
        /**
         * Slots held by functions that run on after their caller stopped waiting (the call timed
         * out, or its caller aborted it): their slot comes back only when they settle, and a
         * function that never settles keeps it for good. Each one that settles at last is
         * announced by a `settledLate` event.
         */
        lingering: number;
      }
    | undefined;
  /**
   * Counts since the breaker was built. Every call through `execute` or `wrap`, and every permit
   * asked for with `tryAcquire` or `acquire`, lands in exactly one of `successes`, `failures`,
   * `ignored`, `rejected` and `cancelled` once it has ended (a permit once it is settled), so
   * their sum is the number of calls made. The three others overlap them: every timeout is also
   * a failure, every slow call a success or a failure, and every fallback answered a failure or
   * a rejection. A call with invalid arguments (no function, a signal that is not an
   * AbortSignal) rejects with a TypeError before it reaches the breaker and is counted nowhere.
   */
  totals: {
    /** Calls that succeeded (stragglers from an earlier state included). */
    successes: number;
    /** Calls that failed: threw, timed out, or returned a value `isResultFailure` rejects. */
    failures: number;
    /** Failed calls that timed out (`timeoutMs`); part of `failures`. */
    timeouts: number;
    /**
     * Admitted calls that ended without a verdict: an error `isFailure` rejects, a caller's
     * abort while the function ran, or a permit's `ignore()`.
     */
    ignored: number;
    /** Calls refused without being made: by the circuit, or by a full bulkhead or its queue timeout. */
    rejected: number;
    /**
     * Calls their caller cancelled before they were admitted: the signal was already aborted, or
     * aborted while the call waited in the bulkhead's queue. Their function never ran.
     */
    cancelled: number;
    /** Calls (successes or failures) that took at least `slowCallDurationMs`. */
    slowCalls: number;
    /** Failed or refused calls that `fallback` answered. */
    fallbacks: number;
  };
}

const noArgs: readonly unknown[] = [];
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
  readonly #settings: Settings;
  readonly #clock: Clock;
  readonly #window: OutcomeWindow;
  readonly #timeWindow: boolean;
  readonly #minimumCalls: number;
  readonly #bulkhead: Bulkhead | undefined;
  // Created on first use: an idle breaker should cost little memory (see BENCHMARKS.md).
  #listeners: Listeners | undefined;
  #settler: Settler | undefined;
  /** Used when an `openDurationMs` function returns nonsense at run time. */
  readonly #firstOpenDurationMs: number;
  #phase: Phase;
  /** The ticket the next admitted call receives; tickets below #epochStart are from a past state. */
  #nextTicket = 0;
  #epochStart = 0;
  #consecutiveFailures = 0;
  #inFlight = 0;
  #lastRefusal: RejectionReason = 'open';
  /** The end of the longest wait a dependency asked for (Retry-After); see #holdOpenFor. */
  #holdUntil = Number.NEGATIVE_INFINITY;
  #watcher: { value: (value: unknown) => void; error: (error: unknown) => void } | undefined;
  /** The fleet-wide version of the state (see SharedCircuitState); counts transitions alone. */
  #version = 0;
  readonly #binding: StoreBinding | undefined;
  readonly #totals: BreakerStats['totals'] = {
    successes: 0,
    failures: 0,
    timeouts: 0,
    ignored: 0,
    rejected: 0,
    cancelled: 0,
    slowCalls: 0,
    fallbacks: 0,
  };

  constructor(options?: CircuitBreakerOptions<TFallback>) {
    const settings = resolveOptions(options as CircuitBreakerOptions<unknown>);
    this.#settings = settings;
    this.#clock = settings.clock;
    const window = settings.window;
    this.#window =
      window.type === 'count'
        ? new CountWindow(window.size)
        : new TimeWindow(window.durationMs, window.buckets);
    this.#timeWindow = window.type === 'time';
    this.#minimumCalls = Math.min(settings.minimumCalls, this.#window.capacity);
    this.#bulkhead = settings.bulkhead && new Bulkhead(settings.bulkhead, settings.name);
    this.#firstOpenDurationMs = settings.openDuration(1);
    this.#phase = initialPhase(settings.initialState, () => this.#clock.now());
    this.#binding = settings.store?.bind({
      name: settings.name,
      halfOpenMaxCalls: settings.halfOpenMaxCalls,
      halfOpenTimeoutMs: settings.halfOpenTimeoutMs,
      current: () => sharedStateOf(this.#phase, this.#version),
      adopt: (state) => this.#adopt(state),
    });
  }

  /** The breaker's name. */
  get name(): string {
    return this.#settings.name;
  }

  /**
   * The circuit's state. Time moves it lazily: an open circuit whose open period is over reads
   * `'open'` until the next call asks for a permit and becomes its first trial.
   */
  get state(): CircuitState {
    return this.#phase.kind;
  }

  /**
   * Calls admitted and not yet settled. A call that timed out, or whose caller aborted it, is
   * settled then, even if its function runs on.
   */
  get inFlight(): number {
    return this.#inFlight;
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
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`execute() needs a function to call; got ${typeof fn}`));
    }
    if (options === undefined) return this.#call(fn, noArgs, undefined);
    let signal: AbortSignal | undefined;
    try {
      signal = signalOption(options, 'execute()');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#call(fn, noArgs, signal);
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
    const call = (self: unknown, args: A): Promise<Awaited<R> | TFallback> =>
      this.#call(() => Reflect.apply(fn, self, args), args, undefined);
    return function wrapped(this: unknown, ...args: A) {
      return call(this, args);
    };
  }

  /**
   * Asks for a permit to make one call, without waiting. Returns `null` when the circuit
   * refuses (or the bulkhead is full); {@link openError} then builds the matching error. In
   * half-open, each permit is a trial: at most `halfOpenMaxCalls` are out at once.
   */
  tryAcquire(): Permit | null {
    const ticket = this.#admit();
    if (ticket < 0) return null;
    return new BreakerPermit(this.#permitSettler(), ticket, this.#startTime());
  }

  /**
   * Asks for a permit, waiting in the bulkhead's queue when it is full and queueing is allowed.
   * Rejects with the error {@link openError} would build, the signal's reason (the request
   * counts as `cancelled`), or a TypeError when `options.signal` is not an AbortSignal.
   */
  async acquire(options?: ExecuteOptions): Promise<Permit> {
    const ticket = await this.#acquireTicket(signalOption(options, 'acquire()'));
    return new BreakerPermit(this.#permitSettler(), ticket, this.#startTime());
  }

  /**
   * The error that explains the most recent refusal: a {@link CircuitOpenError} (open,
   * half-open with every trial slot taken, forced open), or a {@link BulkheadFullError}. It has
   * no stack trace: refusals are expected and frequent, and capturing one is most of their cost.
   */
  openError(): CircuitOpenError | BulkheadFullError {
    const reason = this.#lastRefusal;
    const bulkhead = this.#bulkhead;
    if (reason === 'bulkhead' && bulkhead !== undefined) {
      return withoutStackTrace(() => bulkhead.fullError());
    }
    const phase = this.#phase;
    const retryAfterMs =
      phase.kind === 'open' ? Math.max(0, Math.ceil(phase.until - this.#clock.now())) : undefined;
    const refusal = reason === 'bulkhead' ? 'open' : reason;
    return withoutStackTrace(() => new CircuitOpenError(this.name, refusal, retryAfterMs));
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
    this.#listeners ??= new Listeners(this.name);
    return this.#listeners.add(event, listener);
  }

  /** Forces the circuit open: every call is refused until {@link reset}. */
  isolate(): void {
    this.#transition(forcedOpenPhase, 'isolate');
  }

  /** Lets every call through and keeps measuring, but never trips, until {@link reset}. */
  disable(): void {
    this.#transition(disabledPhase, 'disable');
  }

  /** Closes the circuit with an empty window, from any state. */
  reset(): void {
    this.#transition(closedPhase, 'reset');
  }

  /**
   * Lets go of the breaker's store, if it has one: it stops following the fleet's state. A
   * registry does this for the breakers it evicts or deletes.
   */
  dispose(): void {
    this.#binding?.unbind();
  }

  /** The window's counts and rates now, and totals since the breaker was built. */
  stats(): BreakerStats {
    const bulkhead = this.#bulkhead;
    const now = this.#clock.now();
    const window = this.#window;
    window.advance(now);
    const phase = this.#phase;
    const open = phase.kind === 'open';
    return {
      name: this.name,
      state: phase.kind,
      failureRate: percent(window.failures, window.calls),
      slowCallRate: percent(window.slowCalls, window.calls),
      calls: window.calls,
      failures: window.failures,
      slowCalls: window.slowCalls,
      consecutiveFailures: this.#consecutiveFailures,
      inFlight: this.#inFlight,
      openedAt: open ? this.#wallTime(phase.openedAt, now) : undefined,
      retryAfterMs: open ? Math.max(0, phase.until - now) : undefined,
      bulkhead: bulkhead && {
        active: bulkhead.active,
        queued: bulkhead.queued,
        lingering: bulkhead.lingering,
      },
      totals: { ...this.#totals },
    };
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
    return snapshotOf(this.#phase, this.#clock.now());
  }

  /** A time on the breaker's clock as wall-clock time, given the clock's reading `now`. */
  #wallTime(time: number, now: number): number {
    const clock = this.#clock;
    return clock.wallNow === undefined ? time : time + (clock.wallNow() - now);
  }

  // --- calls -------------------------------------------------------------------------------

  #call<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T> | TFallback> {
    if (signal?.aborted) return this.#cancel(signal.reason, false);
    if (this.#bulkhead !== undefined) return this.#callWhenAdmitted(fn, args, signal);
    const ticket = this.#admit();
    if (ticket < 0) return this.#fallbackOrThrow(this.openError(), args);
    return this.#settings.timeoutMs === undefined && signal === undefined
      ? this.#run(fn, args, ticket)
      : this.#runGuarded(fn, args, ticket, signal);
  }

  /**
   * A call with no timeout and no caller's signal. Without a fallback the caller receives the
   * function's own promise, and the breaker records the outcome from a handler attached first,
   * so it runs before the caller resumes: no wrapper promise, no closure per call unless
   * durations are wanted.
   */
  #run<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    args: readonly unknown[],
    ticket: number,
  ): Promise<Awaited<T> | TFallback> {
    const startedAt = this.#startTime();
    let result: T | PromiseLike<T>;
    // Whatever the function does while it is called and while its result is looked at — throw,
    // hand back a thenable whose `then` getter throws, a promise whose `then` was replaced — is
    // its outcome. Nothing in this block settles the call, so the catch settles it exactly once.
    try {
      result = fn(neverAborted());
      const promise = promiseOf(result) as Promise<Awaited<T>> | undefined;
      if (promise !== undefined) {
        if (this.#settings.fallback !== undefined) {
          return observe(
            promise,
            (value) => {
              this.#onValue(ticket, startedAt, value);
              return value;
            },
            (error: unknown) => this.#onError(ticket, startedAt, error, args),
          );
        }
        if (
          Number.isNaN(startedAt) &&
          ticket >= this.#epochStart &&
          this.#phase.kind !== 'half-open'
        ) {
          this.#watcher ??= this.#watch(this.#epochStart);
          // The caller gets `promise` itself; the observer's promise only records the outcome,
          // and never rejects: its handlers guard the user callbacks they run.
          void observe(promise, this.#watcher.value, this.#watcher.error);
        } else {
          void observe(
            promise,
            (value) => this.#onValue(ticket, startedAt, value),
            (error: unknown) => {
              this.#failOrIgnore(ticket, startedAt, undefined, error);
            },
          );
        }
        return promise;
      }
    } catch (error) {
      return this.#onError(ticket, startedAt, error, args);
    }
    this.#onValue(ticket, startedAt, result);
    return Promise.resolve(result as Awaited<T>);
  }

  /**
   * Outcome handlers shared by every untimed call of one closed (or disabled) period: any ticket
   * of the period stands for all of them, since staleness is judged by period.
   */
  #watch(ticket: number): { value: (value: unknown) => void; error: (error: unknown) => void } {
    return {
      value: (value) => this.#onValue(ticket, Number.NaN, value),
      error: (error) => {
        this.#failOrIgnore(ticket, Number.NaN, undefined, error);
      },
    };
  }

  /** The time a call starts, or NaN when nothing needs its duration (saves a clock read). */
  #startTime(): number {
    return this.#settings.slowCallDurationMs !== Number.POSITIVE_INFINITY ||
      this.#listeners?.timed === true
      ? this.#clock.now()
      : Number.NaN;
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
    ticket: number,
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T> | TFallback> {
    const timeoutMs = this.#settings.timeoutMs;
    const startedAt = this.#startTime();
    // The caller may have aborted while the call waited for a bulkhead slot.
    if (signal?.aborted) {
      this.#ignore(ticket, startedAt, 'cancelled', signal.reason);
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
        stoppedAt = this.#clock.now();
        this.#bulkhead?.linger();
      };
      const onAbort = (): void => {
        if (!answer()) return;
        const reason = (signal as AbortSignal).reason;
        leave('cancelled');
        controller?.abort(reason);
        this.#ignore(ticket, startedAt, 'cancelled', reason, undefined, false);
        reject(reason);
      };
      if (controller !== undefined) {
        timer = setTimeout(() => {
          if (!answer()) return;
          const error = new CircuitTimeoutError(this.name, timeoutMs as number);
          leave('timeout');
          controller.abort(error);
          this.#timedOut(ticket, startedAt, error);
          this.#fallbackOrThrow(error, args).then(resolve, reject);
        }, timeoutMs);
      }
      const onValue = (value: Awaited<T>): void => {
        if (answer()) {
          this.#onValue(ticket, startedAt, value);
          resolve(value);
        } else this.#settledLate(stoppedAt, cause);
      };
      const onError = (error: unknown): void => {
        if (answer()) this.#onError(ticket, startedAt, error, args).then(resolve, reject);
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
        if (promise !== undefined) {
          // Never rejects: onValue and onError settle the call's own promise and guard the user
          // callbacks they run.
          void observe(promise, onValue as (value: unknown) => void, onError);
        }
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
    this.#bulkhead?.releaseLingering();
    if (this.#listeners?.lists.settledLate) {
      const lateByMs = Math.max(0, this.#clock.now() - stoppedAt);
      this.#listeners.emit('settledLate', { name: this.name, lateByMs, cause });
    }
  }

  /** The path with a bulkhead: a call may wait for a slot before it runs. */
  async #callWhenAdmitted<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T> | TFallback> {
    let ticket: number;
    try {
      ticket = await this.#acquireTicket(signal);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      return this.#fallbackOrThrow(error, args);
    }
    return this.#settings.timeoutMs === undefined && signal === undefined
      ? this.#run(fn, args, ticket)
      : this.#runGuarded(fn, args, ticket, signal);
  }

  async #acquireTicket(signal: AbortSignal | undefined): Promise<number> {
    if (signal?.aborted) return this.#cancel(signal.reason, false);
    const bulkhead = this.#bulkhead;
    if (bulkhead === undefined || bulkhead.canQueue() === false) {
      const ticket = this.#admit();
      if (ticket < 0) throw this.openError();
      return ticket;
    }
    // Ask the circuit first, so an open circuit refuses at once rather than after a wait.
    const ticket = this.#admitCircuit();
    if (ticket < 0) throw this.openError();
    if (bulkhead.tryTake()) return ticket;
    // Wait without holding the circuit's permit (a half-open trial slot above all).
    this.#abandon(ticket);
    const outcome = await bulkhead.wait(signal);
    if (outcome === 'aborted') return this.#cancel((signal as AbortSignal).reason, true);
    if (outcome === 'timeout') {
      this.#refuse('bulkhead');
      throw bulkhead.queueTimeoutError();
    }
    // The slot may have been handed over in the same turn the caller aborted.
    if (signal?.aborted) {
      bulkhead.release();
      return this.#cancel(signal.reason, true);
    }
    const admitted = this.#admitCircuit();
    if (admitted < 0) {
      bulkhead.release();
      throw this.openError();
    }
    return admitted;
  }

  /** Counts a call its caller cancelled before it was admitted, and rejects with the reason. */
  #cancel(reason: unknown, queued: boolean): Promise<never> {
    this.#totals.cancelled++;
    if (this.#listeners?.lists.cancelled) {
      this.#listeners.emit('cancelled', { name: this.name, queued, error: reason });
    }
    return Promise.reject(reason);
  }

  #onValue(ticket: number, startedAt: number, value: unknown): void {
    const isResultFailure = this.#settings.isResultFailure;
    if (
      isResultFailure !== undefined &&
      this.#ask('isResultFailure', isResultFailure, value, false)
    ) {
      this.#fail(ticket, startedAt, undefined, undefined, value);
    } else {
      this.#succeed(ticket, startedAt, undefined);
    }
  }

  #onError(
    ticket: number,
    startedAt: number,
    error: unknown,
    args: readonly unknown[],
  ): Promise<TFallback> {
    return this.#failOrIgnore(ticket, startedAt, undefined, error)
      ? this.#fallbackOrThrow(error, args)
      : Promise.reject(error);
  }

  #fallbackOrThrow(error: unknown, args: readonly unknown[]): Promise<TFallback> {
    const fallback = this.#settings.fallback;
    if (fallback === undefined) return Promise.reject(error);
    this.#totals.fallbacks++;
    if (this.#listeners?.lists.fallback)
      this.#listeners?.emit('fallback', { name: this.name, error });
    return new Promise<TFallback>((resolve) => resolve(fallback(error, ...args) as TFallback));
  }

  /** Calls a user's predicate; if it throws, reports that and returns `otherwise`. */
  #ask(
    callback: string,
    predicate: (value: unknown) => boolean,
    value: unknown,
    otherwise: boolean,
  ): boolean {
    try {
      return Boolean(predicate(value));
    } catch (error) {
      this.#report(callback, error);
      return otherwise;
    }
  }

  #permitSettler(): Settler {
    this.#settler ??= {
      succeed: (ticket, startedAt, durationMs) => this.#succeed(ticket, startedAt, durationMs),
      failOrIgnore: (ticket, startedAt, durationMs, error, retryAfterMs) => {
        if (retryAfterMs !== undefined && retryAfterMs > 0) this.#holdOpenFor(retryAfterMs);
        return this.#failOrIgnore(ticket, startedAt, durationMs, error);
      },
      ignore: (ticket, startedAt, error) => this.#ignore(ticket, startedAt, 'cancelled', error),
    };
    return this.#settler;
  }

  /** Reports an error thrown by a user's function (see the callbackError event). */
  #report(callback: string, error: unknown): void {
    this.#listeners ??= new Listeners(this.name);
    this.#listeners.report(callback, error);
  }

  // --- admission -----------------------------------------------------------------------------

  /** Admits a call (circuit, then bulkhead) and returns its ticket, or -1 when refused. */
  #admit(): number {
    const ticket = this.#admitCircuit();
    if (ticket < 0 || this.#bulkhead === undefined || this.#bulkhead.tryTake()) return ticket;
    this.#abandon(ticket);
    return this.#refuse('bulkhead');
  }

  #admitCircuit(): number {
    const kind = this.#phase.kind;
    if (kind === 'closed' || kind === 'disabled') {
      this.#inFlight++;
      return this.#nextTicket++;
    }
    return this.#admitTrial(this.#clock.now());
  }

  /** Admission outside the closed state, where time moves the circuit. */
  #admitTrial(now: number): number {
    const phase = this.#phase;
    switch (phase.kind) {
      case 'closed':
      case 'disabled':
        return this.#admitCircuit();
      case 'forced-open':
        return this.#refuse('forced-open');
      case 'open':
        if (now < phase.until) return this.#refuse('open');
        this.#transition(
          halfOpenAfter(phase, this.#settings.halfOpenTimeoutMs),
          'open-duration-elapsed',
        );
        // A stateChange listener may have moved the circuit again; judge the state it is in now.
        return this.#admitTrial(now);
      case 'half-open': {
        if (this.#expireTrials(phase, now)) return this.#refuse('open');
        // With a store, the fleet grants the trials; when it cannot say, this process does.
        const granted = this.#binding?.takeTrial();
        if (granted === false) return this.#refuse('half-open-full');
        if (
          granted === undefined &&
          phase.trials.size + phase.succeeded >= this.#settings.halfOpenMaxCalls
        ) {
          return this.#refuse('half-open-full');
        }
        const ticket = this.#nextTicket++;
        phase.trials.set(ticket, now);
        if (granted === true) phase.fleetTrials.add(ticket);
        this.#inFlight++;
        return ticket;
      }
    }
  }

  /** Reopens the circuit when a trial has been out longer than the half-open timeout. */
  #expireTrials(phase: Extract<Phase, { kind: 'half-open' }>, now: number): boolean {
    for (const admittedAt of phase.trials.values()) {
      if (now - admittedAt >= phase.timeoutMs) {
        this.#open(now, phase.attempt + 1, 'trial-timeout');
        return true;
      }
    }
    return false;
  }

  #refuse(reason: RejectionReason): -1 {
    this.#lastRefusal = reason;
    this.#totals.rejected++;
    if (this.#listeners?.lists.rejected)
      this.#listeners?.emit('rejected', { name: this.name, reason });
    return -1;
  }

  /** Takes back an admission that will not be used, leaving no trace. */
  #abandon(ticket: number): void {
    this.#inFlight--;
    const phase = this.#phase;
    if (phase.kind === 'half-open') {
      phase.trials.delete(ticket);
      if (phase.fleetTrials.delete(ticket)) this.#binding?.trialSettled('ignored');
    }
  }

  // --- settlement ----------------------------------------------------------------------------

  #succeed(ticket: number, startedAt: number, durationMs: number | undefined): void {
    this.#release(true);
    const now = this.#settleTime(startedAt, durationMs);
    const duration = durationMs ?? elapsed(startedAt, now);
    const slow = this.#countSlow(duration, true);
    this.#totals.successes++;
    if (this.#listeners?.lists.success)
      this.#listeners?.emit('success', { name: this.name, durationMs: duration });
    if (ticket < this.#epochStart) return;
    const phase = this.#phase;
    if (phase.kind === 'half-open') {
      if (this.#expireTrials(phase, now)) return;
      phase.trials.delete(ticket);
      if (phase.fleetTrials.delete(ticket)) {
        // The fleet counts it, and closes every process's circuit once enough have succeeded.
        this.#binding?.trialSettled('success');
        return;
      }
      phase.succeeded++;
      if (phase.succeeded >= this.#settings.halfOpenMaxCalls)
        this.#transition(closedPhase, 'trials-succeeded');
      return;
    }
    this.#consecutiveFailures = 0;
    this.#window.record(false, slow, now);
    this.#binding?.record(false, slow, now);
    if (phase.kind === 'closed') this.#tripIfNeeded(now);
  }

  /** Records a failure, or an ignored call when `isFailure` rejects the error; true for a failure. */
  #failOrIgnore(
    ticket: number,
    startedAt: number,
    durationMs: number | undefined,
    error: unknown,
  ): boolean {
    const isFailure = this.#settings.isFailure;
    if (isFailure !== undefined && !this.#ask('isFailure', isFailure, error, true)) {
      this.#ignore(ticket, startedAt, 'not-a-failure', error, durationMs);
      return false;
    }
    this.#fail(ticket, startedAt, durationMs, error, undefined);
    return true;
  }

  #timedOut(ticket: number, startedAt: number, error: CircuitTimeoutError): void {
    this.#totals.timeouts++;
    if (this.#listeners?.lists.timeout) {
      this.#listeners?.emit('timeout', {
        name: this.name,
        durationMs: elapsed(startedAt, this.#clock.now()),
        timeoutMs: error.timeoutMs,
      });
    }
    // The function may run on: its bulkhead slot stays taken until it settles (#settledLate).
    this.#fail(ticket, startedAt, undefined, error, undefined, false);
  }

  #fail(
    ticket: number,
    startedAt: number,
    durationMs: number | undefined,
    error: unknown,
    result: unknown,
    freeSlot = true,
  ): void {
    this.#release(freeSlot);
    const now = this.#settleTime(startedAt, durationMs);
    const duration = durationMs ?? elapsed(startedAt, now);
    const slow = this.#countSlow(duration, false);
    this.#totals.failures++;
    if (this.#listeners?.lists.failure) {
      this.#listeners?.emit(
        'failure',
        result === undefined
          ? { name: this.name, durationMs: duration, error }
          : { name: this.name, durationMs: duration, result },
      );
    }
    if (ticket < this.#epochStart) return;
    const phase = this.#phase;
    if (phase.kind === 'half-open') {
      if (phase.fleetTrials.delete(ticket)) this.#binding?.trialSettled('failure');
      if (!this.#expireTrials(phase, now)) this.#open(now, phase.attempt + 1, 'trial-failed');
      return;
    }
    this.#consecutiveFailures++;
    this.#window.record(true, slow, now);
    this.#binding?.record(true, slow, now);
    if (phase.kind === 'closed') this.#tripIfNeeded(now);
  }

  #ignore(
    ticket: number,
    startedAt: number,
    reason: IgnoreReason,
    error: unknown,
    durationMs?: number,
    freeSlot = true,
  ): void {
    this.#release(freeSlot);
    const now = this.#settleTime(startedAt, durationMs);
    this.#totals.ignored++;
    if (this.#listeners?.lists.ignored) {
      const duration = durationMs ?? elapsed(startedAt, now);
      this.#listeners?.emit(
        'ignored',
        error === undefined
          ? { name: this.name, durationMs: duration, reason }
          : { name: this.name, durationMs: duration, reason, error },
      );
    }
    const phase = this.#phase;
    // An ignored trial frees its slot, unless it had already outlived the half-open timeout.
    if (
      ticket >= this.#epochStart &&
      phase.kind === 'half-open' &&
      !this.#expireTrials(phase, now)
    ) {
      phase.trials.delete(ticket);
      if (phase.fleetTrials.delete(ticket)) this.#binding?.trialSettled('ignored');
    }
  }

  /** Frees what an admitted call held: its place in flight, and its bulkhead slot if asked. */
  #release(freeSlot: boolean): void {
    this.#inFlight--;
    if (freeSlot) this.#bulkhead?.release();
  }

  /**
   * The time of a settlement, or NaN when nothing needs it: the clock is read only for a
   * duration, a time window, or half-open bookkeeping, because on some machines a clock read
   * costs more than the rest of the call's bookkeeping together.
   */
  #settleTime(startedAt: number, durationMs: number | undefined): number {
    return (durationMs === undefined && !Number.isNaN(startedAt)) ||
      this.#timeWindow ||
      this.#binding !== undefined ||
      this.#phase.kind === 'half-open'
      ? this.#clock.now()
      : Number.NaN;
  }

  #countSlow(durationMs: number, succeeded: boolean): boolean {
    if (durationMs < this.#settings.slowCallDurationMs) return false;
    this.#totals.slowCalls++;
    if (this.#listeners?.lists.slowCall) {
      this.#listeners?.emit('slowCall', { name: this.name, durationMs, succeeded });
    }
    return true;
  }

  // --- transitions ---------------------------------------------------------------------------

  #tripIfNeeded(now: number): void {
    const window = this.#window;
    const settings = this.#settings;
    let reason: TransitionReason | undefined;
    if (window.calls >= this.#minimumCalls) {
      // Compared multiplied out, so that e.g. 1 of 3 at a threshold of 33.34 % is exact.
      if (window.failures * 100 >= settings.failureRateThreshold * window.calls)
        reason = 'failure-rate';
      else if (window.slowCalls * 100 >= settings.slowCallRateThreshold * window.calls)
        reason = 'slow-call-rate';
    }
    if (reason === undefined && this.#consecutiveFailures >= settings.consecutiveFailures) {
      reason = 'consecutive-failures';
    }
    // The fleet's counts trip every process together, however few calls each one saw.
    const fleet = reason === undefined ? this.#binding?.fleetCounts(now) : undefined;
    if (fleet !== undefined && fleet.calls >= settings.minimumCalls) {
      if (fleet.failures * 100 >= settings.failureRateThreshold * fleet.calls)
        reason = 'failure-rate';
      else if (fleet.slowCalls * 100 >= settings.slowCallRateThreshold * fleet.calls)
        reason = 'slow-call-rate';
    }
    if (reason !== undefined) this.#open(now, 1, reason);
  }

  /**
   * Honours a dependency's request to be left alone until now + `ms`: an open circuit stays open
   * at least that long, and so does one that opens before then.
   */
  #holdOpenFor(ms: number): void {
    const until = this.#clock.now() + Math.min(ms, limits.durationMs);
    if (until <= this.#holdUntil) return;
    this.#holdUntil = until;
    const phase = this.#phase;
    if (phase.kind === 'open' && phase.until < until) this.#phase = { ...phase, until };
  }

  #open(time: number, attempt: number, reason: TransitionReason): void {
    const now = Number.isNaN(time) ? this.#clock.now() : time;
    const until = Math.max(now + this.#openDurationFor(attempt), this.#holdUntil);
    this.#transition({ kind: 'open', openedAt: now, until, attempt }, reason);
  }

  #openDurationFor(attempt: number): number {
    let durationMs: unknown;
    try {
      durationMs = this.#settings.openDuration(attempt);
    } catch (error) {
      this.#report('openDurationMs', error);
      return this.#firstOpenDurationMs;
    }
    // Longer than any duration may be is cut to the longest; what is no duration at all is reported.
    if (typeof durationMs === 'number' && durationMs > 0) {
      return Math.min(durationMs, limits.durationMs);
    }
    this.#report(
      'openDurationMs',
      new InvalidOptionError(
        'openDurationMs',
        durationMs,
        `a number of milliseconds > 0 for attempt ${attempt}`,
        this.name,
      ),
    );
    return this.#firstOpenDurationMs;
  }

  /** A change this process made: it takes the next version and is published to the fleet. */
  #transition(next: Phase, reason: TransitionReason): void {
    const from = this.#enter(next);
    const expected = this.#version++;
    this.#binding?.publish(sharedStateOf(this.#phase, this.#version), expected);
    this.#announce(from, reason);
  }

  /**
   * Takes on the state the fleet agreed on when it is newer than this process's — or as new but
   * different: two processes that changed the state at once both counted on the same next
   * version, and the one the fleet took wins.
   */
  #adopt(shared: SharedCircuitState): void {
    if (shared.version < this.#version) return;
    if (
      shared.version === this.#version &&
      sameState(shared, sharedStateOf(this.#phase, this.#version))
    )
      return;
    this.#version = shared.version;
    this.#announce(this.#enter(phaseOf(shared, this.#settings.halfOpenTimeoutMs)), 'fleet');
  }

  /** Enters a phase; returns the state it left. */
  #enter(next: Phase): CircuitState {
    const from = this.#phase.kind;
    this.#phase = next;
    // Calls admitted before this moment no longer count toward the circuit's state.
    this.#epochStart = this.#nextTicket;
    this.#watcher = undefined;
    if (next.kind === 'closed' || next.kind === 'disabled') {
      this.#window.clear();
      this.#consecutiveFailures = 0;
      this.#holdUntil = Number.NEGATIVE_INFINITY;
    }
    return from;
  }

  #announce(from: CircuitState, reason: TransitionReason): void {
    const next = this.#phase;
    if (from !== next.kind && this.#listeners?.lists.stateChange) {
      const change = { name: this.name, from, to: next.kind, reason };
      this.#listeners?.emit(
        'stateChange',
        next.kind === 'open' ? { ...change, openUntil: next.until, attempt: next.attempt } : change,
      );
    }
  }
}

/** A call's duration; 0 when its start was not measured because nothing needed it. */
function elapsed(startedAt: number, now: number): number {
  return Number.isNaN(startedAt) ? 0 : now - startedAt;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (part / whole) * 100;
}
