import { signalOption } from './abort-signal.ts';
import type { Circuit } from './circuit.ts';
import { CircuitTimeoutError } from './errors.ts';
import type { LateSettlementCause } from './events.ts';
import { BreakerPermit, renewablePermitClass, type Settler } from './permit.ts';
import { observe, observeResult, promiseOf, RejectingThenable } from './thenable.ts';

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

/** The arguments of a call made by `execute`, whose function receives a signal instead. */
export const noArgs: readonly unknown[] = [];

let sharedNeverAborted: AbortSignal | undefined;

// Only Node.js is known to listen to a signal through its `addEventListener` (below), which is
// what ends its sharing. Other runtimes' fetch listens natively, where a shared signal would
// gather listeners unseen; and workerd ties a signal to the request that made it, so one shared
// across requests makes every later request's fetch fail. There each call gets its own.
const userAgent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent;
const signalsShareable = typeof userAgent === 'string' && userAgent.startsWith('Node.js/');

/**
 * @internal Calls that need no cancellation share one signal that never aborts, rather than an
 * AbortController each, on Node.js (see `signalsShareable`). Created on first use, not at import.
 *
 * A listener added to a signal stays for as long as the signal lives, and a call may add one it
 * never removes (only an abort would): so a signal is shared only until something listens to
 * it. Later calls get a new one, and the old one goes, listeners and all, with the calls that
 * hold it. Calls that never listen keep sharing one.
 */
export function neverAborted(): AbortSignal {
  return sharedNeverAborted ?? newSharedSignal();
}

function newSharedSignal(): AbortSignal {
  const signal = new AbortController().signal;
  if (!signalsShareable) return signal;
  const addListener = signal.addEventListener;
  // Every way Node.js and undici listen to a signal (`addAbortListener`, `events.once`, `fetch`)
  // calls its `addEventListener`.
  Object.defineProperty(signal, 'addEventListener', {
    configurable: true,
    writable: true,
    value: function addEventListener(this: AbortSignal, ...args: unknown[]): void {
      if (sharedNeverAborted === signal) sharedNeverAborted = undefined;
      Reflect.apply(addListener, this, args);
    },
  });
  sharedNeverAborted = signal;
  return signal;
}

/** Whether a call that returned `value` failed, by `isResultFailure` if set. */
function failingResult(circuit: Circuit, value: unknown): boolean {
  const isResultFailure = circuit.settings.isResultFailure;
  return (
    isResultFailure !== undefined && circuit.ask('isResultFailure', isResultFailure, value, false)
  );
}

/** Settles `permit` for a call that returned `value`, judged by `isResultFailure` if set. */
function settleValue(circuit: Circuit, permit: BreakerPermit, value: unknown): void {
  if (failingResult(circuit, value)) permit.failResult(value);
  else permit.success();
}

/** What a spare permit reports to: nothing, since it belongs to no call. */
const noCall: Settler = {
  succeed() {},
  failOrIgnore: () => false,
  failResult() {},
  timedOut() {},
  ignore() {},
};

/** @internal A call on the plain path, admitted: what settles it once its function was called. */
export interface PlainCall {
  /** The function threw `error`: settles the call, and returns the caller's rejection. */
  threw(error: unknown): Promise<never>;
  /** The function returned `result`: settles the call from it, and returns the caller's answer. */
  returned(result: unknown): Promise<unknown>;
}

/**
 * Settles `call` from what its function returned, and answers its caller. `onValue` settles it
 * as a success (or a failing result) and passes the value on; `onError` settles it as a failure
 * and passes the error on (see RejectingThenable).
 */
function answerPlain(
  call: PlainCall,
  result: unknown,
  onValue: (value: unknown) => unknown,
  onError: (error: unknown) => RejectingThenable,
): Promise<unknown> {
  // Whatever the result does while it is looked at — a `then` getter that throws, a promise
  // whose `constructor` getter throws — is the function's outcome.
  try {
    // The caller gets the promise that the call's reactions settle (they guard the user
    // callbacks they run, so it rejects only with the function's own error). Being the only
    // reaction on the function's promise keeps the caller's frames in the async stack trace
    // of an error the function throws later, and a rejection its caller never handles is
    // reported as unhandled, as it would be without the breaker.
    const observed = observeResult(result, onValue, onError);
    if (observed !== undefined) return observed;
  } catch (error) {
    return call.threw(error);
  }
  onValue(result);
  return Promise.resolve(result);
}

/**
 * A permit the runner keeps to itself, with the reactions that settle it from the function's
 * promise, made once with it: for plain calls that need one of their own, a half-open trial or
 * a call whose duration is measured (see {@link admitPlainCall}). Spare ones are reused, so such
 * a call allocates neither a permit nor a closure. Only the runner holds these, and each is
 * settled exactly once per call by the one reaction that runs, so reusing it is safe.
 */
class PlainCallPermit extends renewablePermitClass() implements PlainCall {
  circuit: Circuit | undefined;
  readonly onValue = (value: unknown): unknown => {
    settleValue(this.circuit as Circuit, this, value);
    spare(this);
    return value;
  };
  readonly onError = (error: unknown): RejectingThenable => {
    this.#failed(error);
    return new RejectingThenable(error);
  };

  #failed(error: unknown): void {
    this.fail(error);
    spare(this);
  }

  threw(error: unknown): Promise<never> {
    this.#failed(error);
    return Promise.reject(error);
  }

  returned(result: unknown): Promise<unknown> {
    return answerPlain(this, result, this.onValue, this.onError);
  }
}

/**
 * The one handle of every plain call a circuit admits in one closed (or disabled) state, from
 * its admission to the next change of state. Such a call's ticket matters only for the state it
 * was admitted in: a ticket from before the change makes it a straggler, and any ticket of the
 * same state gives the same answer. So the calls share the ticket of the first of them, and this
 * handle's reactions, made once: a call allocates nothing of the breaker's own, and holds
 * nothing per call that a reaction would have to find. It settles each call through the
 * circuit's {@link Settler} methods, as a permit does, once per call: the function's promise runs
 * one of its reactions once, and `threw` is called instead of them.
 */
class EpochCalls implements PlainCall {
  readonly circuit: Circuit;
  /** The ticket of the first call of the state: every call's ticket here. */
  readonly ticket: number;
  readonly onValue = (value: unknown): unknown => {
    const circuit = this.circuit;
    // The circuit's methods rather than settleValue, which takes a permit. No start time: these
    // calls' durations are not measured (see admitPlainCall).
    if (failingResult(circuit, value)) circuit.failResult(this.ticket, Number.NaN, value);
    else circuit.succeed(this.ticket, Number.NaN, undefined);
    return value;
  };
  readonly onError = (error: unknown): RejectingThenable => {
    this.#fail(error);
    return new RejectingThenable(error);
  };

  constructor(circuit: Circuit, ticket: number) {
    this.circuit = circuit;
    this.ticket = ticket;
  }

  #fail(error: unknown): void {
    this.circuit.failOrIgnore(this.ticket, Number.NaN, undefined, error, undefined);
  }

  threw(error: unknown): Promise<never> {
    this.#fail(error);
    return Promise.reject(error);
  }

  returned(result: unknown): Promise<unknown> {
    return answerPlain(this, result, this.onValue, this.onError);
  }
}

// Spare permits, for any breaker: as many as calls were once in flight at the same time, up to
// a bound, so memory does not grow with a burst.
const spares: PlainCallPermit[] = [];
const maxSpares = 64;

/** Puts a settled permit aside, holding on to no breaker. */
function spare(permit: PlainCallPermit): void {
  permit.circuit = undefined;
  permit.renew(noCall, -1, Number.NaN);
  if (spares.length < maxSpares) spares.push(permit);
}

/**
 * @internal Admits a call on the plain path: `execute` and `wrap` calls with no caller's signal,
 * on a breaker with no timeout, bulkhead or fallback ({@link Circuit.plainCalls}). Returns what
 * settles it — its state's shared handle ({@link EpochCalls}), or a permit of its own — or
 * undefined when the circuit refuses it ({@link Circuit.refusal} is then the answer).
 *
 * The caller calls the function itself, between this and the handle's `threw` or `returned`,
 * rather than through a helper: every frame between the caller and the function is one more
 * that an Error the function throws captures in its stack trace, and capturing one costs about
 * as much as the rest of the call.
 */
export function admitPlainCall(circuit: Circuit): PlainCall | undefined {
  // The circuit alone: a breaker whose calls are plain has no bulkhead.
  const ticket = circuit.admitCircuit();
  if (ticket < 0) return undefined;
  const startedAt = circuit.admittedAt(ticket);
  // A call whose duration nothing measures, admitted closed or disabled, shares its state's
  // handle; a half-open trial, or a call that is timed, gets a permit of its own.
  if (Number.isNaN(startedAt) && circuit.callsAlike) {
    const shared = circuit.epochCalls as EpochCalls | undefined;
    return shared !== undefined && shared.ticket >= circuit.epochStart
      ? shared
      : newEpochCalls(circuit, ticket);
  }
  return plainCallPermit(circuit, ticket, startedAt);
}

// The two below are out of admitPlainCall, which V8 inlines into every caller of `execute`: each
// runs once per state or only for some breakers, and need not be inlined with it.

/** The handle of the calls of a state that has none yet, starting with the call of `ticket`. */
function newEpochCalls(circuit: Circuit, ticket: number): EpochCalls {
  const calls = new EpochCalls(circuit, ticket);
  circuit.epochCalls = calls;
  return calls;
}

/** A permit of its own for the plain call of `ticket`, spare or new. */
function plainCallPermit(circuit: Circuit, ticket: number, startedAt: number): PlainCallPermit {
  const permit = spares.pop() ?? new PlainCallPermit(noCall, -1, Number.NaN);
  permit.renew(circuit, ticket, startedAt);
  permit.circuit = circuit;
  return permit;
}

/**
 * @internal `execute` off the plain path: checks `fn` and the options, then runs the call
 * guarded. With options that carry no signal, the call is the same as on the plain path.
 */
export function executeChecked(
  circuit: Circuit,
  fn: unknown,
  options: ExecuteOptions | undefined,
): Promise<unknown> {
  if (typeof fn !== 'function') {
    return Promise.reject(new TypeError(`execute() needs a function to call; got ${typeof fn}`));
  }
  let signal: AbortSignal | undefined;
  if (options !== undefined) {
    try {
      signal = signalOption(options, 'execute()');
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return callGuarded(circuit, fn as (signal: AbortSignal) => unknown, undefined, noArgs, signal);
}

/**
 * @internal Runs every call that is not on the plain path, for `execute` and `wrap`: one with a
 * caller's signal, or on a breaker with a timeout, a bulkhead or a fallback. It takes a permit,
 * calls the function, settles the permit from what the function did, and answers the caller —
 * with the function's outcome, the fallback's, a timeout or the caller's abort. Every call is
 * settled through its permit, as an adapter's is; what only the runner adds is the timeout, the
 * caller's signal, the result predicate (`isResultFailure`) and the fallback. The runner keeps no
 * state per breaker: an idle breaker pays nothing for it.
 *
 * `fn` is called with a signal, for `execute` (`args` is {@link noArgs}); or with `self` and
 * `args`, for a wrapped function. `args` are also what the fallback receives; `signal` is the
 * caller's, already checked to be an AbortSignal.
 */
export function callGuarded(
  circuit: Circuit,
  fn: (...args: never[]) => unknown,
  self: unknown,
  args: readonly unknown[],
  signal: AbortSignal | undefined,
): Promise<unknown> {
  if (signal?.aborted) return cancel(circuit, signal.reason);
  if (circuit.bulkhead !== undefined) return callWhenAdmitted(circuit, fn, self, args, signal);
  // Admitting, refusing and settling read the breaker's clock, which may throw: a rejection, as
  // `execute` promises, not a throw. What the admission took, admittedAt gives back; a permit is
  // settled by the time its settlement reads the clock.
  try {
    const ticket = circuit.admit();
    if (ticket < 0) return refused(circuit, args);
    return runWith(circuit, fn, self, args, newPermit(circuit, ticket), signal);
  } catch (error) {
    return Promise.reject(error);
  }
}

function newPermit(circuit: Circuit, ticket: number): BreakerPermit {
  return new BreakerPermit(circuit, ticket, circuit.admittedAt(ticket));
}

/** The answer to a refused call: the fallback's, or the refusal. */
function refused(circuit: Circuit, args: readonly unknown[]): Promise<unknown> {
  return circuit.settings.fallback === undefined
    ? circuit.refusal()
    : fallbackOrThrow(circuit, circuit.refusalError(), args);
}

function runWith(
  circuit: Circuit,
  fn: (...args: never[]) => unknown,
  self: unknown,
  args: readonly unknown[],
  permit: BreakerPermit,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  return circuit.settings.timeoutMs === undefined && signal === undefined
    ? run(circuit, fn, self, args, permit)
    : runGuarded(circuit, fn, self, args, permit, signal);
}

/** A call with no timeout and no caller's signal, on a breaker with a bulkhead or a fallback. */
function run(
  circuit: Circuit,
  fn: (...args: never[]) => unknown,
  self: unknown,
  args: readonly unknown[],
  permit: BreakerPermit,
): Promise<unknown> {
  let result: unknown;
  // As on the plain path: what the function does while it is called and looked at is its outcome.
  try {
    result =
      args === noArgs
        ? (fn as (signal: AbortSignal) => unknown)(neverAborted())
        : Reflect.apply(fn, self, args);
    const promise = promiseOf(result);
    if (promise !== undefined) {
      if (circuit.settings.fallback !== undefined) {
        return observe(
          promise,
          (value) => {
            settleValue(circuit, permit, value);
            return value;
          },
          (error: unknown) => failOrFallBack(circuit, permit, error, args),
        );
      }
      // As on the plain path: the caller's promise is the one the permit's reactions settle,
      // and a failure is passed on by handing back the function's own promise.
      return observe(
        promise,
        (value) => {
          settleValue(circuit, permit, value);
          return value;
        },
        (error: unknown) => {
          permit.fail(error);
          return promise;
        },
      );
    }
  } catch (error) {
    return failOrFallBack(circuit, permit, error, args);
  }
  settleValue(circuit, permit, result);
  return Promise.resolve(result);
}

/**
 * A call with a timeout or a caller's signal: the caller is answered on whichever comes first,
 * the function's outcome, the timeout or the abort. A function that runs on after its caller
 * stopped waiting keeps its bulkhead slot until it settles, so `maxConcurrent` bounds what
 * runs, not what is awaited; the circuit's own accounting ends when the caller is answered.
 *
 * The function's outcome reaches the caller's promise through the promise of the one reaction
 * on the function's, handed to the caller's `resolve` and `reject` themselves: a chain V8 can
 * follow, so an error the function throws after an await keeps the caller's frames in its async
 * stack trace. The timeout and the abort answer the caller at once, so an outcome that comes
 * after them, passed on too, finds the caller's promise already resolved.
 */
function runGuarded(
  circuit: Circuit,
  fn: (...args: never[]) => unknown,
  self: unknown,
  args: readonly unknown[],
  permit: BreakerPermit,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const timeoutMs = circuit.settings.timeoutMs;
  // The caller may have aborted while the call waited for a bulkhead slot.
  if (signal?.aborted) {
    permit.cancel(signal.reason, true);
    return Promise.reject(signal.reason);
  }
  return new Promise<unknown>((resolve, reject) => {
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
      circuit.bulkhead?.linger();
      stoppedAt = circuit.nowWithoutThrowing();
    };
    // The abort listener and the timer run where nobody could catch a throw (a throw there is an
    // uncaught exception, and the caller would never be answered): what the breaker's clock
    // throws while they settle the call is reported instead.
    const onAbort = (): void => {
      if (!answer()) return;
      const reason = (signal as AbortSignal).reason;
      leave('cancelled');
      controller?.abort(reason);
      unthrown(circuit, () => permit.cancel(reason, false), undefined);
      reject(reason);
    };
    if (controller !== undefined) {
      timer = setTimeout(() => {
        if (!answer()) return;
        const error = new CircuitTimeoutError(circuit.name, timeoutMs as number);
        leave('timeout');
        controller.abort(error);
        unthrown(circuit, () => permit.timeOut(error), undefined);
        resolve(fallbackOrThrow(circuit, error, args));
      }, timeoutMs);
    }
    // Each returns what the caller's promise is to follow: ignored once the caller is answered.
    const onValue = (value: unknown): unknown => {
      if (answer()) settleValue(circuit, permit, value);
      else settledLate(circuit, stoppedAt, cause);
      return value;
    };
    const onError = (error: unknown): unknown => {
      if (answer()) return failOrFallBack(circuit, permit, error, args);
      settledLate(circuit, stoppedAt, cause);
      return undefined;
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let result: unknown;
    let promise: Promise<unknown> | undefined;
    let threw = false;
    // As on the plain path: what the function does while it is called and looked at is its outcome.
    try {
      result =
        args === noArgs
          ? (fn as (signal: AbortSignal) => unknown)(controller?.signal ?? (signal as AbortSignal))
          : Reflect.apply(fn, self, args);
      promise = promiseOf(result);
      // onValue and onError guard the user callbacks they run: the reaction's promise settles
      // only as the call's outcome says. The last promise never rejects: resolve and reject
      // throw nothing.
      if (promise !== undefined) void observe(observe(promise, onValue, onError), resolve, reject);
    } catch (error) {
      threw = true;
      result = error;
    }
    // Judged a microtask later, as a promise's outcome would be: a caller that aborts right
    // after execute() returns has stopped waiting, even for a function that returned at once.
    if (threw) queueMicrotask(() => answerWith(onError, result, resolve, reject));
    else if (promise === undefined)
      queueMicrotask(() => answerWith(onValue, result, resolve, reject));
  });
}

/**
 * Answers the caller from `react(outcome)`, in a microtask of its own, where a throw would be an
 * uncaught exception: whatever the settlement throws rejects the call, as it does when the
 * reaction runs on the function's promise. (The breaker's clock throws nothing here: a settling
 * call reads it through `Circuit.nowWithoutThrowing`.)
 */
function answerWith(
  react: (outcome: unknown) => unknown,
  outcome: unknown,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): void {
  try {
    resolve(react(outcome));
  } catch (error) {
    reject(error);
  }
}

/**
 * Runs `fn`, a step of the breaker's own that reads its clock, where nothing could catch a throw;
 * reports what it throws (as the `clock`'s: the one callback of the user's such a step does not
 * guard itself) and returns `otherwise`.
 */
function unthrown<T>(circuit: Circuit, fn: () => T, otherwise: T): T {
  try {
    return fn();
  } catch (error) {
    circuit.report('clock', error);
    return otherwise;
  }
}

/** The function of a call its caller stopped waiting for has settled: its slot is free. */
function settledLate(circuit: Circuit, stoppedAt: number, cause: LateSettlementCause): void {
  circuit.bulkhead?.releaseLingering();
  if (circuit.listens('settledLate')) {
    const lateByMs = Math.max(0, circuit.nowWithoutThrowing() - stoppedAt);
    circuit.emit('settledLate', { name: circuit.name, lateByMs, cause });
  }
}

/** The path with a bulkhead: a call may wait for a slot before it runs. */
async function callWhenAdmitted(
  circuit: Circuit,
  fn: (...args: never[]) => unknown,
  self: unknown,
  args: readonly unknown[],
  signal: AbortSignal | undefined,
): Promise<unknown> {
  let ticket: number;
  try {
    ticket = await (circuit.bulkhead as NonNullable<Circuit['bulkhead']>).admit(circuit, signal);
  } catch (error) {
    if (signal?.aborted && error === signal.reason) throw error;
    return fallbackOrThrow(circuit, error, args);
  }
  // Awaited rather than returned: an await follows the call's promise at once, where resolving
  // with it would follow it only a microtask later, and an error the function throws in between
  // would lose its caller's frames from its async stack trace.
  return await runWith(circuit, fn, self, args, newPermit(circuit, ticket), signal);
}

/** Counts a call its caller cancelled before it was admitted, and rejects with the reason. */
function cancel(circuit: Circuit, reason: unknown): Promise<never> {
  circuit.cancel(reason, false);
  return Promise.reject(reason);
}

function failOrFallBack(
  circuit: Circuit,
  permit: BreakerPermit,
  error: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  return permit.fail(error) ? fallbackOrThrow(circuit, error, args) : Promise.reject(error);
}

function fallbackOrThrow(
  circuit: Circuit,
  error: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  const fallback = circuit.settings.fallback;
  if (fallback === undefined) return Promise.reject(error);
  circuit.countFallback();
  if (circuit.listens('fallback')) circuit.emit('fallback', { name: circuit.name, error });
  return new Promise<unknown>((resolve) => resolve(fallback(error, ...args)));
}
