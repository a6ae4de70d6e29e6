import { type HttpJudgement, judgeHttpCall } from '@tripswitch/core/http';
import { type ClientJudgingOptions, ignoredVerdict } from '@tripswitch/core/internal';
import type { PlainResponse, RequestError } from 'got';
import type { GotOutcome } from './options.ts';

/** How one attempt ended, as a hook, the caller's signal or a stream told it. */
export type AttemptEnd =
  /** A response arrived: afterResponse, beforeRedirect, or a stream's `response` event. */
  | { readonly kind: 'response'; readonly response: PlainResponse }
  /** got raised an error for the attempt: beforeRetry or beforeError. */
  | { readonly kind: 'error'; readonly error: RequestError }
  /** The caller aborted its signal or destroyed its stream. */
  | { readonly kind: 'cancelled' }
  /** The caller's signal aborted with a `TimeoutError` (`AbortSignal.timeout()`). */
  | { readonly kind: 'timed-out'; readonly reason: unknown };

/** Options of {@link judgeGotCall}. */
export type JudgeGotCallOptions = ClientJudgingOptions<GotOutcome>;

const ignored: HttpJudgement = { verdict: ignoredVerdict, error: undefined };

// Errors about the transport, raised even after a response arrived: the status does not count.
const transportErrors = new Set(['ReadError', 'TimeoutError', 'UploadError']);

/**
 * The core's verdict on one attempt. A response is judged by its status. An error is judged by
 * the status of this attempt's response when one arrived and the error is about what came after
 * (a status got refuses, a body that would not parse, a hook that threw); as a failure when no
 * response arrived or the transport broke (network error, timeout, body cut short); and is
 * ignored when the attempt never reached the network (a hook threw before it was sent).
 */
export function judgeGotCall(end: AttemptEnd, options: JudgeGotCallOptions): HttpJudgement {
  switch (end.kind) {
    case 'cancelled':
      return ignored;
    case 'timed-out':
      return {
        verdict: judgeHttpCall(
          { error: end.reason },
          { now: options.now, maxRetryAfterMs: options.maxRetryAfterMs },
        ),
        error: end.reason,
      };
    case 'response':
      return judge(end.response, undefined, options);
    case 'error': {
      const { error } = end;
      const timings = error.request?.timings;
      if (error.name !== 'HTTPError' && timings === undefined) return ignored;
      const arrived = error.name === 'HTTPError' || timings?.response !== undefined;
      return judge(arrived ? error.response : undefined, error, options);
    }
  }
}

function judge(
  response: PlainResponse | undefined,
  error: RequestError | undefined,
  options: JudgeGotCallOptions,
): HttpJudgement {
  const speaks =
    response !== undefined && (error === undefined || !transportErrors.has(error.name));
  const { isFailure } = options;
  const verdict = judgeHttpCall(
    {
      status: speaks ? response.statusCode : undefined,
      retryAfter: speaks ? retryAfterOf(response) : undefined,
      error,
    },
    {
      now: options.now,
      maxRetryAfterMs: options.maxRetryAfterMs,
      isFailure: isFailure && (() => isFailure({ response, error })),
    },
  );
  if (verdict.kind !== 'failure' || error !== undefined) return { verdict, error };
  return { verdict, error: new Error(`HTTP ${response?.statusCode} from ${response?.url}`) };
}

function retryAfterOf(response: PlainResponse): string | undefined {
  const value = response.headers['retry-after'];
  return typeof value === 'string' ? value : undefined;
}
