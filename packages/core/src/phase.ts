import { limits } from './limits.ts';
import type { BreakerSnapshot } from './snapshot.ts';
import type { SharedCircuitState } from './store.ts';

/**
 * @internal The state a breaker is in, with the data that state needs. This module also maps it
 * to the two outside forms of a state: the snapshot (`toJSON` / `initialState`) and the state
 * shared with other processes through a store.
 */
export type Phase =
  | { readonly kind: 'closed' | 'disabled' | 'forced-open' }
  | {
      readonly kind: 'open';
      readonly openedAt: number;
      readonly until: number;
      readonly attempt: number;
    }
  | {
      readonly kind: 'half-open';
      /** The open period that preceded this half-open one. */
      readonly openedAt: number;
      readonly until: number;
      readonly attempt: number;
      readonly timeoutMs: number;
      succeeded: number;
      /** Trials in flight: ticket → when it was admitted. */
      readonly trials: Map<number, number>;
      /** The trials the store granted fleet-wide; their successes are counted by the fleet. */
      readonly fleetTrials: Set<number>;
    };

// The phases without data are shared by every breaker.
export const closedPhase: Phase = { kind: 'closed' };
export const disabledPhase: Phase = { kind: 'disabled' };
export const forcedOpenPhase: Phase = { kind: 'forced-open' };

/**
 * A half-open phase that follows `open`; trials time out after `timeoutMs` or that open period,
 * which counts as no longer than the longest duration: an open period restored from a snapshot
 * or taken from the fleet may claim to have begun at any time, and a trial that hangs must not
 * hold the circuit half-open for longer than any duration a breaker may be given.
 */
export function halfOpenAfter(
  open: { openedAt: number; until: number; attempt: number },
  timeoutMs: number | undefined,
): Phase {
  return {
    kind: 'half-open',
    openedAt: open.openedAt,
    until: open.until,
    attempt: open.attempt,
    timeoutMs: timeoutMs ?? Math.min(open.until - open.openedAt, limits.durationMs),
    succeeded: 0,
    trials: new Map(),
    fleetTrials: new Set(),
  };
}

/**
 * The phase a snapshot restores, read at `now()`; a breaker with none starts closed.
 *
 * A snapshot may come from another process, whose clock need not agree with this one: an open
 * period that would begin in this clock's future is taken to begin now, so it lasts no longer
 * than it was long, and none ends later than the longest duration from now.
 */
export function initialPhase(snapshot: BreakerSnapshot | undefined, now: () => number): Phase {
  if (snapshot === undefined) return closedPhase;
  if (snapshot.state === 'open') {
    const { openedAt, openUntil, attempt } = snapshot;
    const at = now();
    const start = Math.min(openedAt, at);
    const until = Math.min(openUntil - (openedAt - start), at + limits.durationMs);
    return { kind: 'open', openedAt: start, until, attempt };
  }
  return dataless(snapshot.state);
}

/**
 * The snapshot of a phase at `now`. A half-open circuit is saved as open with its open period
 * over, so the restored breaker starts fresh trials on its next call.
 */
export function snapshotOf(phase: Phase, now: number): BreakerSnapshot {
  switch (phase.kind) {
    case 'open': {
      const { openedAt, until, attempt } = phase;
      return { version: 1, state: 'open', openedAt, openUntil: until, attempt };
    }
    case 'half-open':
      return {
        version: 1,
        state: 'open',
        openedAt: now - phase.timeoutMs,
        openUntil: now,
        attempt: phase.attempt,
      };
    default:
      return { version: 1, state: phase.kind };
  }
}

/** The phase a state shared by the fleet stands for, entered with no trial of its own yet. */
export function phaseOf(shared: SharedCircuitState, halfOpenTimeoutMs: number | undefined): Phase {
  switch (shared.state) {
    case 'open':
      return {
        kind: 'open',
        openedAt: shared.openedAt,
        until: shared.openUntil,
        attempt: shared.attempt,
      };
    case 'half-open': {
      const { openedAt, openUntil, attempt } = shared;
      return halfOpenAfter({ openedAt, until: openUntil, attempt }, halfOpenTimeoutMs);
    }
    default:
      return dataless(shared.state);
  }
}

/**
 * @internal The highest attempt a breaker counts to: 2^53. A failed trial reopens at the attempt
 * after the one it followed, and past 2^53 adding one no longer counts (2^53 + 1 is 2^53 again)
 * or leaves the integers a store takes; a store may hand a breaker any attempt.
 */
export const maxAttempt: number = 2 ** 53;

/** @internal The attempt after `attempt`, at most {@link maxAttempt}. */
export function nextAttempt(attempt: number): number {
  return attempt < maxAttempt ? attempt + 1 : maxAttempt;
}

/**
 * @internal How far ahead of a breaker's clock a shared open period may begin and still be taken
 * as it is: room for the clocks of the fleet's hosts to disagree (NTP keeps them milliseconds
 * apart; the fleet assumes well under a second), so that a state from an honest replica whose
 * clock runs a little ahead is taken unchanged and not reported.
 */
export const clockAllowanceMs = 5_000;

/**
 * @internal An open or half-open state shared by the fleet as a breaker takes it at `now`:
 * undefined when it is taken as it is. Two periods no breaker sets are taken otherwise:
 *
 * - one that begins more than {@link clockAllowanceMs} after `now` — published by a replica
 *   whose clock runs far ahead, or written so — is taken to begin now, as long as it lasts: so a
 *   replica whose clock is years ahead cannot hold every other replica open for years;
 * - one longer than the longest duration (`limits.durationMs`) — which no open duration, nor a
 *   `Retry-After` hold, reaches — is cut to it.
 *
 * Its length is otherwise kept: a period held open by a `Retry-After` lasts longer than the open
 * duration, and every replica must hold it. A period that ended long ago is taken as it is too
 * (a replica whose clock runs behind, or the breaker's own clock behind the fleet's, merely
 * half-opens early). A half-open state's trials then time out as its period says (see
 * {@link halfOpenAfter}).
 */
export function boundedShared(
  shared: SharedCircuitState,
  now: number,
): SharedCircuitState | undefined {
  if (shared.state !== 'open' && shared.state !== 'half-open') return undefined;
  const { openedAt, openUntil } = shared;
  const length = openUntil - openedAt;
  const begins = openedAt <= now + clockAllowanceMs ? openedAt : now;
  // Written so that a field that is no number (from a store that does not check) is bounded.
  if (begins === openedAt && length >= 0 && length <= limits.durationMs) return undefined;
  const kept = length >= 0 && length <= limits.durationMs ? length : limits.durationMs;
  return { ...shared, openedAt: begins, openUntil: begins + kept };
}

/** How a phase is shared with the fleet, at `version`. */
export function sharedStateOf(phase: Phase, version: number): SharedCircuitState {
  if (phase.kind === 'open' || phase.kind === 'half-open') {
    const { openedAt, until, attempt } = phase;
    return { version, state: phase.kind, openedAt, openUntil: until, attempt };
  }
  return { version, state: phase.kind };
}

/** Whether two shared states are the same state, whatever their versions. */
export function sameState(a: SharedCircuitState, b: SharedCircuitState): boolean {
  if (a.state !== b.state) return false;
  if (a.state !== 'open' && a.state !== 'half-open') return true;
  const other = b as typeof a;
  return (
    a.openedAt === other.openedAt && a.openUntil === other.openUntil && a.attempt === other.attempt
  );
}

function dataless(state: 'closed' | 'disabled' | 'forced-open'): Phase {
  return state === 'closed' ? closedPhase : state === 'disabled' ? disabledPhase : forcedOpenPhase;
}
