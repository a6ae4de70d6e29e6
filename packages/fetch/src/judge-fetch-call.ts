import { abortedByDeadline, type HttpJudgement, judgeHttpCall } from '@tripswitch/core/http';
import { type ClientJudgingOptions, ignoredVerdict } from '@tripswitch/core/internal';
import type { FetchInput, FetchOutcome } from './fetch-options.ts';
import { refusedUnsent } from './refused-unsent.ts';

/** How a call ended: `fetch` resolved with a response, or rejected. */
export type FetchCallEnd =
  | { readonly response: Response }
  | {
      readonly error: unknown;
      readonly signal: AbortSignal | null | undefined;
      /** The call as the caller made it, to tell a call `fetch` refused to send. */
      readonly input: FetchInput;
      readonly init: RequestInit | undefined;
    };

/** Options of {@link judgeFetchCall}. */
export type JudgeFetchCallOptions = ClientJudgingOptions<FetchOutcome>;

/**
 * The core's verdict on a call. A response is judged by its status and `Retry-After` when its
 * headers arrive. A rejection is ignored when the call's signal was aborted by its caller, or
 * when `fetch` refused to send the call at all (see {@link refusedUnsent}); it is a failure
 * otherwise: a network error, or a deadline (`AbortSignal.timeout()`), which the core tells
 * from a cancellation.
 */
export function judgeFetchCall(end: FetchCallEnd, options: JudgeFetchCallOptions): HttpJudgement {
  const { isFailure, now, maxRetryAfterMs } = options;
  if ('response' in end) {
    const { response } = end;
    const { status } = response;
    // Only a 429 or a 503 is held open by its Retry-After: other responses skip the header lookup.
    const retryAfter =
      status === 429 || status === 503 ? response.headers.get('retry-after') : null;
    const verdict = judgeHttpCall(
      { status, retryAfter },
      {
        now,
        maxRetryAfterMs,
        isFailure: isFailure && (() => isFailure({ response, error: undefined })),
      },
    );
    return {
      verdict,
      error: verdict.kind === 'failure' ? statusError(response) : undefined,
    };
  }
  const { error, signal, input, init } = end;
  // Never sent: the caller's mistake, which says nothing about the service (and isFailure is not
  // asked, as it is not about a cancelled call).
  if (refusedUnsent(input, init, error)) return { verdict: ignoredVerdict, error };
  const verdict = judgeHttpCall(
    { error, cancelled: signal?.aborted === true && !abortedByDeadline(signal) },
    {
      now,
      maxRetryAfterMs,
      isFailure: isFailure && (() => isFailure({ response: undefined, error })),
    },
  );
  return { verdict, error };
}

// What a response judged a failure is recorded with (the `failure` event's error).
function statusError(response: Response): Error {
  return new Error(
    response.url === ''
      ? `HTTP ${response.status}`
      : `HTTP ${response.status} from ${response.url}`,
  );
}
