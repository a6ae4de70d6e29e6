import type { Response } from './service.ts';
import type { BreakerState } from './trace.ts';

/** What the simulation gives a subject: its virtual time, and where to report transitions. */
export interface SubjectContext {
  /** The virtual time, in milliseconds: a `clock` for breakers that take one. */
  now(): number;
  /**
   * Reports that the circuit moved to `to`, at `at` (default: now). A subject whose breaker runs
   * timers on fake time passes the fake time, which may be earlier than now while time advances.
   */
  transition(to: BreakerState, at?: number): void;
}

/**
 * A breaker driven synchronously, through a permit: `admit()` decides at once and the returned
 * function records the answer at once. Nothing waits on a promise, so no flushing is needed and a
 * simulation runs as fast as the breaker can decide.
 */
export interface SyncSubject {
  readonly mode: 'sync';
  /** Asks to make a call now. Returns how to report its answer, or null when refused. */
  admit(): ((response: Response) => void) | null;
  /** Releases what the subject holds, after the run. */
  dispose?(): void;
}

/**
 * A breaker driven through its promise API (`fire()`, `execute()`): what it decides happens in
 * promise reactions, which the simulation flushes after every event, and any timers of its own
 * run on fake time that {@link AsyncSubject.advanceTo} moves.
 */
export interface AsyncSubject {
  readonly mode: 'async';
  /**
   * Makes one call through the breaker. The breaker calls `send` when (and if) it lets the call
   * through; `send` returns a promise that settles when the service answers, rejecting when it
   * fails. A call whose promise settles before `send` was called was refused.
   */
  call(send: () => Promise<void>): Promise<unknown>;
  /** Moves the subject's fake time to `time`, running the timers due by then. */
  advanceTo?(time: number): void;
  /** Releases what the subject holds (timers, fake time), after the run. */
  dispose?(): void;
}

/** A breaker under simulation. */
export type Subject = SyncSubject | AsyncSubject;

/** Builds a fresh subject for one run, at virtual time 0. */
export type SubjectFactory = (context: SubjectContext) => Subject;

/** The part of a permit-style breaker (such as Tripswitch's) that {@link permitSubject} uses. */
export interface PermitBreaker {
  tryAcquire(): { success(): void; failure(error: unknown): void } | null;
}

/**
 * A {@link SyncSubject} over a permit-style breaker: `tryAcquire()`, then `success()` or
 * `failure(error)` when the answer arrives. The breaker measures durations on its own clock,
 * which should be the context's `now`.
 *
 * @example
 * ```ts
 * const factory: SubjectFactory = (context) => {
 *   const breaker = new CircuitBreaker({ clock: context });
 *   breaker.on('stateChange', ({ to }) => {
 *     if (to === 'closed' || to === 'open' || to === 'half-open') context.transition(to);
 *   });
 *   return permitSubject(breaker);
 * };
 * ```
 */
export function permitSubject(breaker: PermitBreaker): SyncSubject {
  const failure = new Error('the service failed');
  return {
    mode: 'sync',
    admit() {
      const permit = breaker.tryAcquire();
      if (permit === null) return null;
      return (response) => {
        if (response.ok) permit.success();
        else permit.failure(failure);
      };
    },
  };
}
