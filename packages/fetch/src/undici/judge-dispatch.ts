import { abortedByDeadline, type HttpJudgement, judgeHttpCall } from '@tripswitch/core/http';
import type { ClientJudgingOptions } from '@tripswitch/core/internal';
import type { UndiciOutcome, UndiciResponse } from './options.ts';

/** How a request ended, as the dispatch handler told it. */
export type DispatchEnd =
  | { readonly response: UndiciResponse }
  | {
      readonly error: Error;
      /** The request's controller; `aborted` when a caller up the chain aborted it. */
      readonly controller: { readonly aborted: boolean; readonly reason: unknown } | null;
    };

/** Options of {@link judgeDispatch}. */
export type JudgeDispatchOptions = ClientJudgingOptions<UndiciOutcome>;

/**
 * The core's verdict on a request. A response is judged by its status and `Retry-After` when its
 * headers arrive. An error is a cancellation — ignored — when a caller up the chain aborted the
 * request through its controller (fetch does so when its signal aborts), unless the abort's
 * reason is a deadline (`AbortSignal.timeout()`), which the core counts as a failure; any other
 * error is a failure.
 */
export function judgeDispatch(end: DispatchEnd, options: JudgeDispatchOptions): HttpJudgement {
  const { isFailure, now, maxRetryAfterMs } = options;
  if ('response' in end) {
    const { response } = end;
    const verdict = judgeHttpCall(
      { status: response.statusCode, retryAfter: firstValue(response.headers['retry-after']) },
      {
        now,
        maxRetryAfterMs,
        isFailure: isFailure && (() => isFailure({ response, error: undefined })),
      },
    );
    return {
      verdict,
      error: verdict.kind === 'failure' ? new Error(`HTTP ${response.statusCode}`) : undefined,
    };
  }
  const { error, controller } = end;
  // The controller has the two members abortedByDeadline reads from a signal: aborted, reason.
  const cancelled = controller?.aborted === true && !abortedByDeadline(controller);
  const verdict = judgeHttpCall(
    { error, cancelled },
    {
      now,
      maxRetryAfterMs,
      isFailure: isFailure && (() => isFailure({ response: undefined, error })),
    },
  );
  return { verdict, error };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
