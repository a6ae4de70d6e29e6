/**
 * @module
 * `@tripswitch/core/http`: the rules every HTTP adapter shares, written once so that switching
 * client or framework never changes how a breaker behaves. Which calls fail (network errors,
 * timeouts, 5xx and 429; cancelled calls are ignored), how `Retry-After` holds a circuit open,
 * which breaker a URL belongs to (its origin), how a finished call settles its permit, how a
 * client's `fallback` answers a refused request, and the 503 a server sends for a refused request.
 * No Node-only APIs.
 *
 * @example
 * ```ts
 * import { defaultMaxRetryAfterMs, judgeAndSettle, judgeHttpCall, originOf } from '@tripswitch/core/http';
 *
 * const permit = await registry.get(originOf(url)).acquire();
 * const response = await send(url);
 * // Settles the permit exactly once, even if the judging (a clock, a predicate) throws.
 * judgeAndSettle(permit, () => ({
 *   verdict: judgeHttpCall(
 *     { status: response.status, retryAfter: response.headers.get('retry-after') },
 *     { now: Date.now(), maxRetryAfterMs: defaultMaxRetryAfterMs },
 *   ),
 *   error: new Error(`HTTP ${response.status}`),
 * }));
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
export {
  type FallbackResponse,
  type ResolvedFallbackResponse,
  resolveFallbackResponse,
} from './fallback-response.ts';
export { type HttpJudgement, judgeAndSettle, settlePermit } from './judge-and-settle.ts';
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
} from './outcome.ts';
export {
  checkRefusalProblem,
  type RefusalProblem,
  type RefusalProblemFunction,
  type RefusalResponse,
  type RefusalResponseOptions,
  refusalResponse,
} from './refusal.ts';
export { answerRefusal, isRefusal, type RefusalFallback } from './refusal-fallback.ts';
