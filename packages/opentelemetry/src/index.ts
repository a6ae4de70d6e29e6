/**
 * @module
 * `@tripswitch/opentelemetry`: the circuit breakers of a `BreakerRegistry` as OpenTelemetry
 * metrics (state, calls by result, transitions, rates, call durations), and a
 * `circuit_breaker.rejected` event on the active span when a breaker refuses a call.
 *
 * @example
 * ```ts
 * import { BreakerRegistry } from '@tripswitch/core';
 * import { instrumentBreakers } from '@tripswitch/opentelemetry';
 *
 * const breakers = new BreakerRegistry();
 * instrumentBreakers(breakers); // after your OpenTelemetry SDK has started
 * ```
 */
export { attributeKeys, attributeValue } from './attributes.ts';
export { instrumentBreakers, meterName } from './instrument-breakers.ts';
export type { InstrumentBreakersOptions } from './options.ts';
export { rejectedEventName } from './rejection-span-events.ts';
