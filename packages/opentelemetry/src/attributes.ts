import type { CircuitState, RejectionReason, TransitionReason } from '@tripswitch/core';

/** The attribute keys of the breaker instruments and span events. */
export const attributeKeys = {
  /** The breaker's name. */
  name: 'circuit_breaker.name',
  /** A state: the one the circuit is in, or the one a transition enters. */
  state: 'circuit_breaker.state',
  /** The state a transition leaves. */
  previousState: 'circuit_breaker.previous_state',
  /** Why a transition happened. */
  transitionReason: 'circuit_breaker.transition.reason',
  /** How a call ended. */
  callResult: 'circuit_breaker.call.result',
  /** Why a call was refused. */
  rejectionReason: 'circuit_breaker.rejection.reason',
} as const;

/**
 * An attribute value in OpenTelemetry's style: the core's name with `_` for `-`
 * (`half-open` → `half_open`, `failure-rate` → `failure_rate`).
 */
export function attributeValue(value: CircuitState | TransitionReason | RejectionReason): string {
  return value.replaceAll('-', '_');
}

/** @internal Every state, as attribute values, in the core's order. */
export const stateValues: readonly string[] = [
  'closed',
  'open',
  'half_open',
  'disabled',
  'forced_open',
];
