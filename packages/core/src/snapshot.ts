import { InvalidOptionError } from './errors.ts';

/** The states a circuit can be in. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'forced-open' | 'disabled';

/**
 * A breaker's state and its timing, as `toJSON()` returns it and the `initialState` option takes
 * it: enough for a short-lived process (a serverless function) to carry a circuit over to the
 * next invocation. It holds no window counts. A half-open circuit is saved as open with its open
 * period over, so the next request starts fresh trials.
 */
export type BreakerSnapshot =
  | {
      /** The snapshot's format: 1. */
      version: 1;
      /** The state to restore. */
      state: 'closed' | 'forced-open' | 'disabled';
    }
  | {
      /** The snapshot's format: 1. */
      version: 1;
      /** The state to restore. */
      state: 'open';
      /** When the circuit opened, on the breaker's clock. */
      openedAt: number;
      /** When the open period ends and the next request may become a trial, on the breaker's clock. */
      openUntil: number;
      /** How many times the circuit has opened since it last closed (the backoff attempt). */
      attempt: number;
    };

/** @internal Checks a snapshot given as `initialState`; it may come from storage, so trust nothing. */
export function validateSnapshot(value: unknown, breakerName: string): BreakerSnapshot {
  const expected =
    "a snapshot from toJSON(): { version: 1, state: 'closed' | 'forced-open' | 'disabled' } or { version: 1, state: 'open', openedAt, openUntil, attempt }";
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError('initialState', value, expected, breakerName);
  }
  // Each field is read once: a getter (or a proxy) may answer differently the second time, and
  // what is returned must be what was checked.
  const { version, state, openedAt, openUntil, attempt } = value as Record<string, unknown>;
  if (version !== 1) {
    throw new InvalidOptionError('initialState.version', version, '1', breakerName);
  }
  switch (state) {
    case 'closed':
    case 'forced-open':
    case 'disabled':
      return { version: 1, state };
    case 'open': {
      if (!isFiniteNumber(openedAt)) {
        throw new InvalidOptionError(
          'initialState.openedAt',
          openedAt,
          'a finite number',
          breakerName,
        );
      }
      if (!isFiniteNumber(openUntil) || openUntil <= openedAt) {
        throw new InvalidOptionError(
          'initialState.openUntil',
          openUntil,
          'a finite number > openedAt',
          breakerName,
        );
      }
      if (!Number.isInteger(attempt) || (attempt as number) < 1) {
        throw new InvalidOptionError(
          'initialState.attempt',
          attempt,
          'an integer >= 1',
          breakerName,
        );
      }
      return { version: 1, state: 'open', openedAt, openUntil, attempt: attempt as number };
    }
    default:
      throw new InvalidOptionError(
        'initialState.state',
        state,
        "'closed', 'open', 'forced-open' or 'disabled'",
        breakerName,
      );
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
