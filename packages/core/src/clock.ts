/**
 * A source of time in milliseconds. Every time a breaker measures — call durations, window
 * buckets, open periods, half-open trial deadlines, snapshots — comes from `now()`, so tests can
 * drive time without sleeping.
 *
 * @example
 * ```ts
 * let now = 0;
 * const breaker = new CircuitBreaker({ clock: { now: () => now } });
 * now += 60_000; // a minute passes, instantly
 * ```
 */
export interface Clock {
  /**
   * The current time in milliseconds, for every duration the breaker measures. It should only
   * move forward, as the default clock does: a step back shortens the durations measured across
   * it. Snapshots and a store's shared state carry its readings, so processes that share a
   * circuit need clocks that agree.
   *
   * A reading that is not a finite number (`NaN`, `Infinity`, `-Infinity`) is taken as the
   * breaker's last finite reading (0 before it had one), as if the clock stood still: such a
   * reading neither keeps a circuit open for good nor ends an open period or a trial's deadline
   * early. A `now()` that throws makes a call that is being admitted reject with its error; one
   * that throws while a call is settled is reported as a `callbackError` (`'clock'`) and taken
   * as the last finite reading, so the call is still recorded and its caller gets its outcome.
   */
  now(): number;
  /**
   * The wall-clock time now, in milliseconds since the epoch, for times shown to people
   * (`stats().openedAt`). A clock without it, or whose `wallNow()` reads no finite number, has
   * its `now()` taken for wall-clock time.
   */
  wallNow?(): number;
}

// The performance object whose time origin `origin` is; see systemClock.now.
let originOf: object | undefined;
let origin = 0;

/**
 * The default clock. `now()` is monotonic: `performance.timeOrigin + performance.now()`, the
 * epoch time at which the process started plus the time elapsed since, read on a clock that a
 * step of the system clock (a manual change, an NTP step, a VM resumed) does not move. Its
 * readings are close to the epoch, so processes on hosts whose clocks agreed when each process
 * started can compare them (a snapshot restored elsewhere, a circuit shared through a store).
 * `wallNow()` is `Date.now()`.
 *
 * Both read the globals on every call rather than keeping references to them, so fake timers
 * that replace `performance` and `Date` (vitest's `vi.useFakeTimers()`) also drive breakers built
 * without a clock: advancing the fake timers moves `now()`, while `vi.setSystemTime()` moves only
 * `wallNow()`, as a step of the system clock would.
 */
export const systemClock: Clock = {
  now: () => {
    const clock = globalThis.performance;
    // A runtime without the High Resolution Time API has only the wall clock.
    if (clock === undefined) return Date.now();
    // A performance object's time origin never changes: read it once per object (a getter call
    // costs about as much as the reading itself), and again when fake timers replace the object.
    if (clock !== originOf) {
      origin = clock.timeOrigin;
      originOf = clock;
    }
    return origin + clock.now();
  },
  wallNow: () => Date.now(),
};

/**
 * @internal What `clock.wallNow()` reads, or undefined when the clock has no `wallNow` (its
 * `now()` then stands for wall-clock time). The method is read once: a getter may answer a
 * function when asked and something else when called.
 */
export function readWallNow(clock: Clock): unknown {
  const wallNow: unknown = clock.wallNow;
  return typeof wallNow === 'function' ? Reflect.apply(wallNow, clock, []) : undefined;
}
