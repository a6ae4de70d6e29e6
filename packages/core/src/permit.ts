import type { CircuitTimeoutError } from './errors.ts';

/**
 * The right to make one call through a breaker, and the duty to report how it ended. Every
 * adapter is built on it: take a permit with `tryAcquire()` (or `acquire()`), make the call, then
 * settle the permit exactly once. Settling again is a no-op.
 *
 * A permit that is never settled holds a half-open trial slot until `halfOpenTimeoutMs` passes,
 * so settle on every path — `ignore()` when the call was cancelled.
 *
 * @example
 * ```ts
 * const permit = breaker.tryAcquire();
 * if (!permit) throw breaker.openError();
 * try {
 *   const response = await send(request);
 *   if (response.status >= 500) permit.failure(new Error(`HTTP ${response.status}`));
 *   else permit.success();
 *   return response;
 * } catch (error) {
 *   if (isAbort(error)) permit.ignore();
 *   else permit.failure(error);
 *   throw error;
 * }
 * ```
 */
export interface Permit {
  /**
   * The call succeeded.
   * @param durationMs - how long it took; measured from the permit's admission when omitted.
   */
  success(durationMs?: number): void;
  /**
   * The call failed with `error`. It is ignored instead when the breaker's `isFailure` says the
   * error is not a failure.
   * @param options - how long the call took (a number is short for `{ durationMs }`; measured
   * from the permit's admission when omitted), and `retryAfterMs` when the dependency asked to be
   * left alone for a while (an HTTP `Retry-After`): should the circuit open, or be open, it
   * stays open at least that long.
   * @returns `true` when the call was recorded as a failure (the `failure` event and total; also
   * when `isFailure` threw), `false` when `isFailure` said it is no failure and the call was
   * ignored. `false` too when the permit was already settled: a second settlement records
   * nothing. A `fallback` of your own can follow the breaker's rule with it: answer only what
   * counted as a failure.
   *
   * @example
   * ```ts
   * const permit = await breaker.acquire();
   * try {
   *   const answer = await lookUp(id);
   *   permit.success();
   *   return answer;
   * } catch (error) {
   *   if (permit.failure(error)) return cachedAnswer(id); // counted as a failure: fall back
   *   throw error; // ignored by isFailure (a 404, a validation error): the caller's to handle
   * }
   * ```
   */
  failure(error: unknown, options?: number | FailureOptions): boolean;
  /** The call ended without a verdict (cancelled); it is not counted and frees its slot. */
  ignore(): void;
}

/** Details of a failed call, for {@link Permit.failure}. */
export interface FailureOptions {
  /** How long the call took, in milliseconds. */
  durationMs?: number | undefined;
  /** How long the dependency asked to be left alone, in milliseconds (e.g. from `Retry-After`). */
  retryAfterMs?: number | undefined;
}

/** @internal What a permit reports to; implemented by the breaker's state machine. */
export interface Settler {
  succeed(ticket: number, startedAt: number, durationMs: number | undefined): void;
  /** Returns true when the call was recorded as a failure, false when it was ignored. */
  failOrIgnore(
    ticket: number,
    startedAt: number,
    durationMs: number | undefined,
    error: unknown,
    retryAfterMs: number | undefined,
  ): boolean;
  failResult(ticket: number, startedAt: number, result: unknown): void;
  timedOut(ticket: number, startedAt: number, error: CircuitTimeoutError): void;
  ignore(ticket: number, startedAt: number, error: unknown, freeSlot: boolean): void;
}

/**
 * @internal A permit that can be made the permit of a new call once settled, so that the call
 * runner can reuse the permits it keeps to itself rather than allocate one per call. Only the
 * runner ever holds one: a permit handed to anyone else must stay settled.
 */
export interface RenewablePermit extends BreakerPermit {
  /** Makes this permit, settled or not, the unsettled permit of the call `ticket`. */
  renew(settler: Settler, ticket: number, startedAt: number): void;
}

let renewable: new (settler: Settler, ticket: number, startedAt: number) => RenewablePermit;

/**
 * @internal The class of {@link RenewablePermit}s, to extend. It is made inside
 * {@link BreakerPermit}, the only place that may set a permit's private state, and reached only
 * through this function, so no permit a caller holds has a `renew` method.
 */
export function renewablePermitClass(): new (
  settler: Settler,
  ticket: number,
  startedAt: number,
) => RenewablePermit {
  return renewable;
}

/**
 * @internal The permit of one admitted call: the only way a call is settled, whether its caller
 * holds the permit (`tryAcquire`, `acquire`) or `execute` does. Besides the three settlements of
 * {@link Permit}, it has those only `execute` needs: a returned value that is a failure, a
 * timeout, and a caller who stops waiting while the function runs on.
 */
export class BreakerPermit implements Permit {
  #settler: Settler;
  #ticket: number;
  #startedAt: number;
  #settled = false;

  constructor(settler: Settler, ticket: number, startedAt: number) {
    this.#settler = settler;
    this.#ticket = ticket;
    this.#startedAt = startedAt;
  }

  static {
    renewable = class extends BreakerPermit implements RenewablePermit {
      renew(settler: Settler, ticket: number, startedAt: number): void {
        this.#settler = settler;
        this.#ticket = ticket;
        this.#startedAt = startedAt;
        this.#settled = false;
      }
    };
  }

  success(durationMs?: number): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settler.succeed(this.#ticket, this.#startedAt, validDuration(durationMs));
  }

  failure(error: unknown, options?: number | FailureOptions): boolean {
    return this.#fail(error, options);
  }

  /** Settles as {@link failure} does with no options, for the call runner. */
  fail(error: unknown): boolean {
    return this.#fail(error, undefined);
  }

  #fail(error: unknown, options: number | FailureOptions | undefined): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    // No object for the bare duration: a failure is the breaker's busiest moment.
    const byObject = typeof options === 'object' && options !== null;
    const durationMs = byObject ? detail(options, 'durationMs') : options;
    const retryAfterMs = byObject ? detail(options, 'retryAfterMs') : undefined;
    return this.#settler.failOrIgnore(
      this.#ticket,
      this.#startedAt,
      validDuration(durationMs),
      error,
      validDuration(retryAfterMs),
    );
  }

  ignore(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settler.ignore(this.#ticket, this.#startedAt, undefined, true);
  }

  /** The call returned `result`, which `isResultFailure` says is a failure. */
  failResult(result: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settler.failResult(this.#ticket, this.#startedAt, result);
  }

  /** The call timed out; its function may run on, keeping its bulkhead slot. */
  timeOut(error: CircuitTimeoutError): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settler.timedOut(this.#ticket, this.#startedAt, error);
  }

  /**
   * The caller cancelled the call with `reason`; `freeSlot` false when its function runs on and
   * keeps its bulkhead slot until it settles.
   */
  cancel(reason: unknown, freeSlot: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settler.ignore(this.#ticket, this.#startedAt, reason, freeSlot);
  }
}

/**
 * A detail of a failure, read once; one whose getter throws is treated as not given, as a value
 * that is no duration is: the permit is settled already, and the call must still be recorded.
 */
function detail(options: FailureOptions, key: keyof FailureOptions): number | undefined {
  try {
    return options[key];
  } catch {
    return undefined;
  }
}

// A duration that is not a finite number >= 0 is treated as not given: settling must not throw.
function validDuration(durationMs: number | undefined): number | undefined {
  return typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs >= 0
    ? durationMs
    : undefined;
}
