import { predicateAnswer } from '../predicate-answer.ts';

/** How an HTTP call through a breaker ended, in the terms every client adapter can fill in. */
export interface HttpCallOutcome {
  /** The response status, when a response arrived (even one the client treats as an error). */
  status?: number | undefined;
  /** The response's `Retry-After` header, when there is one. */
  retryAfter?: string | null | undefined;
  /** The error the client raised, if any. */
  error?: unknown;
  /** Whether the caller cancelled the call (an abort, not a timeout). */
  cancelled?: boolean | undefined;
}

/** What a breaker should make of an HTTP call: see {@link judgeHttpCall}. */
export type HttpVerdict =
  | {
      /** The call succeeded. */
      kind: 'success';
    }
  | {
      /** The call failed. */
      kind: 'failure';
      /** How long a `Retry-After` asks the circuit to stay open, in milliseconds, if it does. */
      retryAfterMs: number | undefined;
    }
  | {
      /** The call counts neither way: its caller cancelled it. */
      kind: 'ignore';
    };

/** Options of {@link judgeHttpCall}. */
export interface JudgeHttpCallOptions {
  /**
   * Decides instead of the default rule whether a call that was not cancelled failed. Receives
   * the outcome; `true` is a failure, `false` a success.
   */
  isFailure?: ((outcome: HttpCallOutcome) => boolean) | undefined;
  /**
   * The current time in milliseconds, to read an HTTP-date `Retry-After`; or a function that
   * reads it, called only when a 429 or 503 asks to wait, so judging most calls reads no clock.
   */
  now: number | (() => number);
  /** The longest `Retry-After` honoured, in milliseconds; longer ones are cut to it. */
  maxRetryAfterMs: number;
}

// Verdicts without details are shared, not made for every call; frozen, since callers get them.
const succeeded: HttpVerdict = Object.freeze({ kind: 'success' });
/** @internal The verdict on a call that says nothing of the dependency: one, shared and frozen. */
export const ignoredVerdict: HttpVerdict = Object.freeze({ kind: 'ignore' });
const ignored = ignoredVerdict;

/** The longest `Retry-After` adapters honour by default: 10 minutes. */
export const defaultMaxRetryAfterMs = 600_000;

/**
 * Whether a response status means the dependency is failing: any 5xx, and 429 (the dependency is
 * shedding our load). Other 4xx are the caller's mistakes and count as successes.
 */
export function isFailureStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). `undefined` when the header is absent or unreadable; 0 for a date past.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date always names its month; this keeps Date.parse's leniency ('-5' is a year) out.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The rule every HTTP client adapter applies: a cancelled call is ignored; a call with no
 * response (network error, timeout) is a failure; a response is a failure when its status is
 * 5xx or 429 ({@link isFailureStatus}). A failed 429 or 503 carries its `Retry-After`, so the
 * circuit stays open at least that long. `isFailure` replaces the status rule.
 */
export function judgeHttpCall(
  outcome: HttpCallOutcome,
  options: JudgeHttpCallOptions,
): HttpVerdict {
  if (outcome.cancelled === true) return ignored;
  const { status } = outcome;
  const failed =
    options.isFailure !== undefined
      ? askIsFailure(options.isFailure, outcome)
      : status === undefined || isFailureStatus(status);
  if (!failed) return succeeded;
  const asksToWait = status === 429 || status === 503;
  const { now } = options;
  const retryAfterMs = asksToWait
    ? parseRetryAfter(outcome.retryAfter, typeof now === 'number' ? now : now())
    : undefined;
  return {
    kind: 'failure',
    retryAfterMs:
      retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, options.maxRetryAfterMs),
  };
}

// A throwing predicate must not leave the call's permit unsettled: count a failure, and say so.
function askIsFailure(
  isFailure: (outcome: HttpCallOutcome) => boolean,
  outcome: HttpCallOutcome,
): boolean {
  try {
    return predicateAnswer(isFailure(outcome), 'isFailure');
  } catch (error) {
    console.error('[tripswitch] isFailure threw; the call counts as a failure', error);
    return true;
  }
}

/**
 * Whether `signal` aborted because a deadline passed (`AbortSignal.timeout()`, whose reason is a
 * `TimeoutError`) rather than because its owner gave up. The first is a timeout — the dependency
 * was too slow, a failure — the second a cancellation, which is ignored. Every client adapter
 * draws the line here, so a caller's deadline counts the same whatever the client.
 */
export function abortedByDeadline(
  signal: Pick<AbortSignal, 'aborted' | 'reason'> | null | undefined,
): boolean {
  return (
    signal?.aborted === true &&
    (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
  );
}
