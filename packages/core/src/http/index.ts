/**
 * @module
 * `@tripswitch/core/http`: the rules every HTTP adapter shares, written once so that switching
 * client or framework never changes how a breaker behaves — and public, so an adapter of your own
 * behaves the same. Which calls fail (network errors, timeouts, 5xx and 429; cancelled calls are
 * ignored), how `Retry-After` holds a circuit open, which breaker a URL belongs to (its origin),
 * how a finished call settles its permit exactly once, the options every HTTP client adapter
 * takes, the `fallback` a client adapter answers refused requests with, and the 503 a server
 * sends for a refused request. No Node-only APIs.
 *
 * The plumbing the Tripswitch adapters share beyond these rules is in `@tripswitch/core/internal`,
 * with no stability promise.
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
export type { HttpClientBreakerOptions, PerOriginBreakerOptions } from './client-breakers.ts';
export type { FallbackResponse } from './fallback-response.ts';
export { type HttpJudgement, judgeAndSettle, settlePermit } from './judge-and-settle.ts';
export { originOf } from './keys.ts';
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
  type RefusalProblem,
  type RefusalProblemFunction,
  type RefusalResponse,
  type RefusalResponseOptions,
  refusalResponse,
} from './refusal.ts';
export { isRefusal, type RefusalFallback } from './refusal-fallback.ts';
