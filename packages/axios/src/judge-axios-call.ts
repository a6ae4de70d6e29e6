import { abortedByDeadline, type HttpVerdict, judgeHttpCall } from '@tripswitch/core/http';
import { type ClientJudgingOptions, ignoredVerdict } from '@tripswitch/core/internal';
import { type AxiosResponse, type InternalAxiosRequestConfig, isCancel } from 'axios';
import { endedByCaller } from './ended-by-caller.ts';
import type { AxiosOutcome } from './options.ts';

/** A request as the adapter left it: resolved with a response, or rejected. */
export type SettledRequest =
  | { config: InternalAxiosRequestConfig; rejected: false; response: AxiosResponse }
  | { config: InternalAxiosRequestConfig; rejected: true; error: unknown };

/** Options of {@link judgeAxiosCall}. */
export type JudgeAxiosCallOptions = ClientJudgingOptions<AxiosOutcome>;

/**
 * The core's verdict on an axios request. A rejected request whose caller cancelled it (an
 * axios `CanceledError`, or its `signal` or `cancelToken` fired) is ignored — unless the signal
 * was a deadline (`AbortSignal.timeout()`), which is a timeout and a failure. A response is judged
 * by its status whether axios resolved it or `validateStatus` made it reject; a rejection that
 * carries a response `validateStatus` accepts (a body cut off mid-way) is judged as a request
 * with no response. A rejection with no response that the caller's side caused — axios or Node
 * refused to send the request as asked, or the body stream it was given failed — is ignored too,
 * without asking `isFailure` (see {@link endedByCaller}).
 */
export function judgeAxiosCall(
  request: SettledRequest,
  options: JudgeAxiosCallOptions,
): HttpVerdict {
  const response = request.rejected ? responseOf(request.error) : request.response;
  const error = request.rejected ? request.error : undefined;
  // Never the service's doing: the caller's mistake, or its own client gone (see endedByCaller).
  if (request.rejected && response === undefined && endedByCaller(request.config, error)) {
    return ignoredVerdict;
  }
  const speaks =
    response !== undefined && (!request.rejected || refusedByStatus(request.config, response));
  const isFailure = options.isFailure;
  const status = speaks ? response.status : undefined;
  return judgeHttpCall(
    {
      status,
      // Only a 429 or a 503 is held open by its Retry-After: other responses skip the lookup.
      retryAfter:
        speaks && (status === 429 || status === 503) ? retryAfterOf(response.headers) : undefined,
      error,
      // A deadline from AbortSignal.timeout() reaches axios as a cancel, but it is a timeout.
      cancelled:
        request.rejected &&
        !abortedByDeadline(request.config.signal as AbortSignal | undefined) &&
        (isCancel(error) || wasCancelled(request.config)),
    },
    {
      now: options.now,
      maxRetryAfterMs: options.maxRetryAfterMs,
      isFailure: isFailure && (() => isFailure({ response, error })),
    },
  );
}

/** Whether the request's caller cancelled it, through its `signal` or its `cancelToken`. */
export function wasCancelled(config: InternalAxiosRequestConfig): boolean {
  return config.signal?.aborted === true || config.cancelToken?.reason !== undefined;
}

function responseOf(error: unknown): AxiosResponse | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const response = (error as { response?: unknown }).response;
  return typeof response === 'object' &&
    response !== null &&
    typeof (response as { status?: unknown }).status === 'number'
    ? (response as AxiosResponse)
    : undefined;
}

// Mirrors axios's settle(): a rejection is about the status when validateStatus refused it.
function refusedByStatus(config: InternalAxiosRequestConfig, response: AxiosResponse): boolean {
  const validateStatus = config.validateStatus;
  if (typeof validateStatus !== 'function' || !response.status) return false;
  try {
    return !validateStatus(response.status);
  } catch {
    return true;
  }
}

/** The `Retry-After` header of a response: from `AxiosHeaders`, or a custom adapter's plain object. */
export function retryAfterOf(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  let value =
    typeof get === 'function'
      ? get.call(headers, 'retry-after')
      : ((headers as Record<string, unknown>)['retry-after'] ??
        (headers as Record<string, unknown>)['Retry-After']);
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value : undefined;
}
