/**
 * @module
 * `@tripswitch/core/internal`: the plumbing Tripswitch's own adapters share — checking and
 * splitting an HTTP client adapter's options, checking the names of any adapter's options and a
 * server adapter's `name`, `key`, `registry` and `maxKeys`, keyed breakers, a permit taken
 * without a promise when nothing can make the call wait, fallbacks delivered as a client's
 * response, finding a refusal in an error's `cause` chain, branding an adapter's error as a
 * Tripswitch error, recognising a thenable, reading a user predicate's answer, bounding a breaker
 * name used as a metric label or listed by a health endpoint.
 *
 * **Internal: no stability promise.** Anything here may change or go in any release, a patch
 * included, in step with the adapters released beside it. Authors of other adapters may use it,
 * pinned to an exact version of `@tripswitch/core`; what users and adapter authors may rely on
 * is in `@tripswitch/core` and `@tripswitch/core/http`.
 *
 * @example
 * ```ts
 * import { findRefusal } from '@tripswitch/core/internal';
 *
 * const refusal = findRefusal(error); // the CircuitOpenError inside got's RequestError, say
 * ```
 */
export { boundedName, checkedMaxNameLength, defaultMaxNameLength } from './bounded-name.ts';
export { brandTripswitchError } from './errors.ts';
export { acquirePermit } from './http/acquire-permit.ts';
export { checkNameAndKey, checkRegistryAndMaxKeys } from './http/adapter-breaker-options.ts';
export { type AdapterOptionNames, optionNamesChecker } from './http/adapter-option-names.ts';
export {
  boundedHealth,
  checkCircuitsHealthOptions,
  combinedHealth,
  type HealthSource,
} from './http/circuits-health.ts';
export {
  type ClientJudgingOptions,
  type HttpClientBreakers,
  httpClientBreakers,
} from './http/client-breakers.ts';
export {
  type ClientOwnOptions,
  checkedKey,
  type SplitClientOptions,
  splitClientOptions,
} from './http/client-options.ts';
export {
  type ResolvedFallbackResponse,
  resolveFallbackResponse,
} from './http/fallback-response.ts';
export { findRefusal } from './http/find-refusal.ts';
export { type KeyedBreakersOptions, keyedBreakers } from './http/keys.ts';
export { ignoredVerdict } from './http/outcome.ts';
export { checkRefusalProblem } from './http/refusal.ts';
export { answerRefusal } from './http/refusal-fallback.ts';
export { predicateAnswer } from './predicate-answer.ts';
export { isThenable } from './thenable.ts';
