import type { BreakerPlan } from './instance-registry.ts';
import type { FallbackFunction } from './method-options.ts';

/**
 * @internal What a decorated method's results look like, as far as is known: from its declared
 * return type (`design:returntype`), then from what it returned last. A refusal takes the same
 * shape (a rejected promise, an Observable that errors, or a throw), and an Observable method
 * is admitted when it is subscribed to rather than when it is called.
 */
export type ResultShape = 'unknown' | 'value' | 'promise' | 'observable';

/** @internal One decorated method. */
export interface GuardedMethod extends BreakerPlan {
  readonly method: (...args: unknown[]) => unknown;
  readonly fallback: string | FallbackFunction | undefined;
  shape: ResultShape;
}
