import { abortedByDeadline, type HttpJudgement, judgeHttpCall } from '@tripswitch/core/http';
import { type ClientJudgingOptions, ignoredVerdict } from '@tripswitch/core/internal';
import { undiciRefusedToSend } from '../undici-refused-to-send.ts';
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
 * reason is a deadline (`AbortSignal.timeout()`), which the core counts as a failure. A request
 * undici refused to send (`UND_ERR_INVALID_ARG`, `UND_ERR_NOT_SUPPORTED`) is ignored too, and
 * undici's `ResponseError` (`UND_ERR_RESPONSE`) is judged by the response it carries. Any other
 * error is a failure.
 */
export function judgeDispatch(end: DispatchEnd, options: JudgeDispatchOptions): HttpJudgement {
  if ('response' in end) return judgeResponse(end.response, undefined, options);
  const { isFailure, now, maxRetryAfterMs } = options;
  const { error, controller } = end;
  // A response an interceptor closer to the agent turned into an error (undici's responseError
  // does so from 400 up): judged as the response it was, so a 404 stays the caller's mistake
  // and a 503 brings its Retry-After.
  const response = responseOf(error);
  if (response !== undefined) return judgeResponse(response, error, options);
  // Never sent: undici refused the request's own options.
  if (undiciRefusedToSend(error)) return { verdict: ignoredVerdict, error };
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

function judgeResponse(
  response: UndiciResponse,
  error: Error | undefined,
  options: JudgeDispatchOptions,
): HttpJudgement {
  const { isFailure, now, maxRetryAfterMs } = options;
  const verdict = judgeHttpCall(
    { status: response.statusCode, retryAfter: firstValue(response.headers['retry-after']) },
    {
      now,
      maxRetryAfterMs,
      isFailure: isFailure && (() => isFailure({ response, error })),
    },
  );
  if (verdict.kind !== 'failure') return { verdict, error: undefined };
  return { verdict, error: error ?? new Error(`HTTP ${response.statusCode}`) };
}

// undici's ResponseError: code UND_ERR_RESPONSE, with the response's status and headers.
function responseOf(error: Error): UndiciResponse | undefined {
  const { code, statusCode, headers } = error as {
    code?: unknown;
    statusCode?: unknown;
    headers?: unknown;
  };
  if (code !== 'UND_ERR_RESPONSE' || typeof statusCode !== 'number') return undefined;
  return {
    statusCode,
    headers:
      typeof headers === 'object' && headers !== null ? (headers as UndiciResponse['headers']) : {},
  };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
