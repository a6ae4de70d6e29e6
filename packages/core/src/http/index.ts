/**
 * @module
 * `@tripswitch/core/http`: the rules every HTTP adapter shares, written once so that switching
 * client or framework never changes how a breaker behaves. Which calls fail (network errors,
 * timeouts, 5xx and 429; cancelled calls are ignored), how `Retry-After` holds a circuit open,
 * which breaker a URL belongs to (its origin), and the 503 a server sends for a refused request.
 * No Node-only APIs.
 *
 * @example
 * ```ts
 * import { judgeHttpCall, settlePermit, originOf } from '@tripswitch/core/http';
 *
 * const breaker = breakers(originOf(url));
 * const permit = await breaker.acquire();
 * const response = await send(url);
 * const verdict = judgeHttpCall(
 *   { status: response.status, retryAfter: response.headers.get('retry-after') },
 *   { now: Date.now(), maxRetryAfterMs: defaultMaxRetryAfterMs },
 * );
 * settlePermit(permit, verdict, new Error(`HTTP ${response.status}`));
 * ```
 */
export {
  type HttpClientBreakerOptions,
  type HttpClientBreakers,
  httpClientBreakers,
  type PerOriginBreakerOptions,
} from './client-breakers.ts';
export {
  type ClientOwnOptions,
  checkedKey,
  type SplitClientOptions,
  splitClientOptions,
} from './client-options.ts';
export { type KeyedBreakersOptions, keyedBreakers, originOf } from './keys.ts';
export {
  abortedByDeadline,
  defaultMaxRetryAfterMs,
  type HttpCallOutcome,
  type HttpVerdict,
  isFailureStatus,
  type JudgeHttpCallOptions,
  judgeHttpCall,
  parseRetryAfter,
  settlePermit,
} from './outcome.ts';
export { type RefusalProblem, type RefusalResponse, refusalResponse } from './refusal.ts';
