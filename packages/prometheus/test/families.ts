/** Every metric family that has a series per breaker (labelled `name`), in sorted order. */
export const breakerFamilies: readonly string[] = [
  'circuit_breaker_call_duration_seconds',
  'circuit_breaker_calls_total',
  'circuit_breaker_failure_rate',
  'circuit_breaker_fallbacks_total',
  'circuit_breaker_open_since_timestamp_seconds',
  'circuit_breaker_slow_call_rate',
  'circuit_breaker_slow_calls_total',
  'circuit_breaker_state',
  'circuit_breaker_state_code',
  'circuit_breaker_state_transitions_total',
];

/** Every metric family the collector registers: the breakers' and the registry's own, sorted. */
export const allFamilies: readonly string[] = [
  ...breakerFamilies,
  'circuit_breaker_registry_overflows_total',
].sort();
