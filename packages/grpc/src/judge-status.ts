import type { Metadata, StatusObject } from '@grpc/grpc-js';
import type { Permit } from '@tripswitch/core';
import { predicateAnswer } from '@tripswitch/core/internal';
import { isFailureCode, statusName } from './status-codes.ts';

/** How calls are judged: the parts of the interceptor's options the judge reads. */
export interface StatusRule {
  /** The user's rule, replacing the default one; see `GrpcBreakerOptions.isFailure`. */
  readonly isFailure: ((status: StatusObject) => boolean) | undefined;
  /** The longest `grpc-retry-pushback-ms` honoured, in milliseconds. */
  readonly maxPushbackMs: number;
}

/** What a breaker should make of a call's final status: see {@link judgeStatus}. */
export type StatusVerdict =
  | { kind: 'success' }
  | { kind: 'failure'; pushbackMs: number | undefined };

/** The trailing metadata key a server asks for a pause with (gRFC A6), in milliseconds. */
export const pushbackKey = 'grpc-retry-pushback-ms';

const success: StatusVerdict = { kind: 'success' };

/**
 * Judges a call that was not cancelled by its caller from its final status: by the default rule
 * ({@link isFailureCode}) or the user's `isFailure`, which replaces it. A failure carries the
 * server's `grpc-retry-pushback-ms`, capped at `maxPushbackMs`, so the circuit stays open at least
 * that long.
 */
export function judgeStatus(status: StatusObject, rule: StatusRule): StatusVerdict {
  const failed =
    rule.isFailure === undefined
      ? isFailureCode(status.code)
      : askIsFailure(rule.isFailure, status);
  if (!failed) return success;
  return { kind: 'failure', pushbackMs: pushbackOf(status.metadata, rule.maxPushbackMs) };
}

/**
 * Settles `permit` as the status says. Whatever judging throws (a hostile status object), the
 * permit settles, as a failure.
 */
export function settleByStatus(permit: Permit, status: StatusObject, rule: StatusRule): void {
  let verdict: StatusVerdict;
  let error: Error | undefined;
  try {
    verdict = judgeStatus(status, rule);
    // Made here, inside the try: details that cannot be made a string must not keep the permit
    // from settling (nor the status from reaching the caller).
    if (verdict.kind === 'failure') error = statusError(status);
  } catch (thrown) {
    permit.failure(thrown);
    return;
  }
  if (verdict.kind === 'success') permit.success();
  else permit.failure(error, { retryAfterMs: verdict.pushbackMs });
}

/**
 * The pause a server asked for in its trailers (gRFC A6): a whole number of milliseconds, capped
 * at `max`. Anything else — absent, negative, fractional, not a number — asks for nothing.
 */
export function pushbackOf(metadata: Metadata | null | undefined, max: number): number | undefined {
  const value = metadata?.get(pushbackKey)[0];
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value), max);
}

// A throwing rule must not leave the call's permit unsettled: count a failure, and say so. (It runs
// inside grpc-js's listener, where a throw would end up an uncaught exception.)
function askIsFailure(isFailure: (status: StatusObject) => boolean, status: StatusObject): boolean {
  try {
    return predicateAnswer(isFailure(status), 'isFailure');
  } catch (error) {
    console.error('[tripswitch] isFailure threw; the gRPC call counts as a failure', error);
    return true;
  }
}

// What a failed call is recorded with (the breaker's `failure` event): the status in words, and
// the status itself as the cause.
function statusError(status: StatusObject): Error {
  return new Error(`gRPC status ${status.code} ${statusName(status.code)}: ${status.details}`, {
    cause: status,
  });
}
