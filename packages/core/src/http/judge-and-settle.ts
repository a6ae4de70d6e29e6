import type { Permit } from '../permit.ts';
import type { HttpVerdict } from './outcome.ts';

/** A verdict on an HTTP call, and the error a failure is recorded with. */
export interface HttpJudgement {
  /** What the breaker makes of the call. */
  readonly verdict: HttpVerdict;
  /** What a failure is recorded with: the error of the breaker's `failure` event. */
  readonly error: unknown;
}

/** Settles `permit` as `verdict` says; `error` is what a failure is recorded with. */
export function settlePermit(permit: Permit, verdict: HttpVerdict, error: unknown): void {
  if (verdict.kind === 'success') permit.success();
  else if (verdict.kind === 'ignore') permit.ignore();
  else permit.failure(error, { retryAfterMs: verdict.retryAfterMs });
}

/**
 * Judges a finished HTTP call and settles its permit, exactly once, whatever the judging throws.
 * Every HTTP client adapter settles through it. `judge` reads the call as its client reports it
 * and calls {@link judgeHttpCall}; on the way it runs user code — the breaker's `clock`, an
 * `isFailure` predicate, hooks of the client such as axios's `validateStatus`, headers objects
 * a custom transport built. When `judge` throws, the call counts as a failure, recorded with
 * `callError` (what the call itself failed with, if it did) or else with what was thrown, and the
 * throw is written to `console.error`. Nothing it settles throws to the caller either: adapters
 * settle in hooks, event listeners and handler callbacks, where a throw would break the client
 * or crash the process.
 *
 * @param callError - what the call rejected with, when it did.
 *
 * @example
 * ```ts
 * const judge = (outcome: HttpCallOutcome, error: unknown): HttpJudgement => ({
 *   verdict: judgeHttpCall(outcome, { now: clock.now(), maxRetryAfterMs: defaultMaxRetryAfterMs }),
 *   error,
 * });
 *
 * const permit = await breaker.acquire();
 * try {
 *   const response = await send(request);
 *   const { status } = response;
 *   const retryAfter = response.headers.get('retry-after');
 *   judgeAndSettle(permit, () => judge({ status, retryAfter }, new Error(`HTTP ${status}`)));
 *   return response;
 * } catch (error) {
 *   judgeAndSettle(permit, () => judge({ error, cancelled: signal.aborted }, error), error);
 *   throw error;
 * }
 * ```
 */
export function judgeAndSettle(
  permit: Permit,
  judge: () => HttpJudgement,
  callError?: unknown,
): void {
  let judgement: HttpJudgement;
  try {
    judgement = judge();
  } catch (error) {
    console.error('[tripswitch] judging an HTTP call threw; the call counts as a failure', error);
    judgement = { verdict: failed, error: callError ?? error };
  }
  try {
    settlePermit(permit, judgement.verdict, judgement.error);
  } catch (error) {
    // The permit is settled by now (a permit marks itself first); what threw is the breaker's.
    console.error('[tripswitch] settling an HTTP call threw', error);
  }
}

const failed: HttpVerdict = { kind: 'failure', retryAfterMs: undefined };
