import type { CircuitState } from '@tripswitch/core';

/**
 * The value of `circuit_breaker_state_code` for each state. 0, 1 and 2 are the classic closed,
 * open and half-open; forced open and disabled come after them, in the order Resilience4j gives
 * them (3 disabled, 4 forced open), so a dashboard built for either reads the other.
 */
export const stateCodes: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  open: 1,
  'half-open': 2,
  disabled: 3,
  'forced-open': 4,
};

/** @internal Every state, in code order: the values of the `state` label. */
export const circuitStates: readonly CircuitState[] = [
  'closed',
  'open',
  'half-open',
  'disabled',
  'forced-open',
];

/** @internal Whether calls pass in `state`: closed, or disabled. */
export function letsCallsThrough(state: CircuitState): boolean {
  return state === 'closed' || state === 'disabled';
}
