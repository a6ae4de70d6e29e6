import type { Circuit } from './circuit.ts';
import { type Clock, readWallNow } from './clock.ts';
import type { CircuitState } from './snapshot.ts';

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

/** @internal What {@link BreakerStats} says of `circuit` now. */
export function statsOf(circuit: Circuit): BreakerStats {
  const now = circuit.nowWithoutThrowing();
  const window = circuit.windowAt(now);
  const open = circuit.openPeriod();
  const bulkhead = circuit.bulkhead;
  return {
    name: circuit.name,
    state: circuit.state,
    failureRate: percent(window.failures, window.calls),
    slowCallRate: percent(window.slowCalls, window.calls),
    calls: window.calls,
    failures: window.failures,
    slowCalls: window.slowCalls,
    consecutiveFailures: window.consecutiveFailures,
    inFlight: circuit.inFlight,
    openedAt: open === undefined ? undefined : wallTimeOf(open.openedAt, now, circuit.clock),
    retryAfterMs: open === undefined ? undefined : Math.max(0, open.until - now),
    bulkhead: bulkhead && {
      active: bulkhead.active,
      queued: bulkhead.queued,
      lingering: bulkhead.lingering,
    },
    totals: circuit.totals,
  };
}

/**
 * `time`, a reading of `clock.now()` taken when it read `now`, as wall-clock time. A clock without
 * `wallNow()`, or whose wall clock reads no finite number, has its `now()` taken for it.
 */
function wallTimeOf(time: number, now: number, clock: Clock): number {
  const wallNow = readWallNow(clock) ?? now;
  return typeof wallNow === 'number' && Number.isFinite(wallNow) ? time + (wallNow - now) : time;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (part / whole) * 100;
}
