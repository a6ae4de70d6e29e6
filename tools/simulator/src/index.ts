/**
 * @module
 * `@tripswitch/simulator`: a deterministic discrete-event simulation of steady traffic through a
 * circuit breaker on a virtual clock, and the detection scenarios of issue 8 with their metrics
 * and targets. Private to the workspace: the detection tests of `@tripswitch/core` and
 * `pnpm bench:detect` share it, so both judge the same scenarios the same way.
 *
 * @example
 * ```ts
 * import { CircuitBreaker } from '@tripswitch/core';
 * import { outageAfterHealthy, permitSubject, runOf, simulate } from '@tripswitch/simulator';
 *
 * const variant = outageAfterHealthy.variants[0]!;
 * const trace = simulate((context) => permitSubject(new CircuitBreaker({ clock: context })), runOf(variant, 100));
 * console.log(outageAfterHealthy.measure(trace, variant));
 * ```
 */
export type { Capacity } from './capacity.ts';
export {
  type BlipMetrics,
  failed,
  type IsBad,
  measureBlip,
  measureNoise,
  measureOpening,
  measureOverload,
  measureRecovery,
  type NoiseMetrics,
  type OpeningMetrics,
  type OverloadMetrics,
  type RecoveryMetrics,
  slowerThan,
} from './measures.ts';
export { type Random, randomFor, seededRandom } from './random.ts';
export {
  rates,
  ratesOf,
  runOf,
  type Scenario,
  type Variant,
  variantOf,
} from './scenario.ts';
export {
  blip,
  coldStart,
  noise,
  outageAfterHealthy,
  overload,
  overloadCapacity,
  partialOutage,
  recovery,
  scenarios,
  slowCallDurationMs,
  slowOutage,
} from './scenarios.ts';
export {
  down,
  failingLatencyMs,
  flaky,
  healthy,
  healthyLatencyMs,
  type Phase,
  phases,
  type Response,
  type Service,
  slow,
} from './service.ts';
export { type Run, simulate, simulateAsync } from './simulate.ts';
export {
  type AsyncSubject,
  type PermitBreaker,
  permitSubject,
  type Subject,
  type SubjectContext,
  type SubjectFactory,
  type SyncSubject,
} from './subject.ts';
export {
  detectionTargets,
  type Measure,
  type Target,
  type TargetSettings,
  throttlingTargets,
  type Verdict,
} from './targets.ts';
export {
  type BreakerState,
  stateMet,
  type Trace,
  type Transition,
  wasRefused,
  wasSent,
} from './trace.ts';
