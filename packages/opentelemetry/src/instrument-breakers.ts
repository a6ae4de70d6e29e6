import type { BreakerRegistry } from '@tripswitch/core';
import { BreakerLabels } from './breaker-labels.ts';
import { checkedMeter } from './checked-meter.ts';
import { observeBreakers } from './observe-breakers.ts';
import { checkArguments, type InstrumentBreakersOptions } from './options.ts';
import { recordDurations } from './record-durations.ts';
import { addRejectionEvents } from './rejection-span-events.ts';
import { TransitionCounts } from './transition-counts.ts';

/** The instrumentation scope of the meter. */
export const meterName = '@tripswitch/opentelemetry';

/**
 * Reports the breakers of `registry` as OpenTelemetry metrics, and adds an event to the active
 * span when a breaker refuses a call. The instruments, named after OpenTelemetry's semantic
 * conventions (attribute values use `_` where the core uses `-`, as in `half_open`):
 *
 * | Instrument | Kind, unit | Attributes |
 * | --- | --- | --- |
 * | `circuit_breaker.state` | async UpDownCounter, `{circuit_breaker}`: 1 for the current state, 0 for the others | `circuit_breaker.name`, `circuit_breaker.state` |
 * | `circuit_breaker.calls` | async Counter, `{call}` | `circuit_breaker.name`, `circuit_breaker.call.result`: success, failure, timeout, ignored, rejected |
 * | `circuit_breaker.slow_calls` | async Counter, `{call}` | `circuit_breaker.name` |
 * | `circuit_breaker.fallbacks` | async Counter, `{fallback}` | `circuit_breaker.name` |
 * | `circuit_breaker.state_transitions` | async Counter, `{transition}` | `circuit_breaker.name`, `circuit_breaker.previous_state`, `circuit_breaker.state`, `circuit_breaker.transition.reason` |
 * | `circuit_breaker.failure_rate` | async Gauge, `1` (ratio 0–1 of the window) | `circuit_breaker.name` |
 * | `circuit_breaker.slow_call_rate` | async Gauge, `1` (ratio 0–1 of the window) | `circuit_breaker.name` |
 * | `circuit_breaker.call.duration` | Histogram, `s` | `circuit_breaker.name` |
 *
 * The asynchronous instruments are read from the registry when the SDK collects; only the
 * histogram is recorded as calls end (see `buckets`). A `failure` leaves out timeouts, which
 * have their own result. The span event `circuit_breaker.rejected` carries
 * `circuit_breaker.name` and `circuit_breaker.rejection.reason` (`open`, `half_open_full`,
 * `forced_open`, `throttled` or `bulkhead`). A name longer than `maxNameLength` (120 by default)
 * is cut in `circuit_breaker.name`, ending in `…` and 16 hexadecimal digits of the whole name,
 * the same on every instrument and event.
 *
 * @param registry - the breakers to report, including those it creates later.
 * @returns the function that removes the callbacks and stops listening to the breakers (the
 * histogram stays with the meter, which has no way to remove an instrument).
 * @throws `InvalidOptionError` when an argument is invalid, or the meter `meterProvider` gives
 * lacks a method the instruments need. Whatever it throws, nothing is left listening.
 *
 * @example
 * ```ts
 * import { BreakerRegistry } from '@tripswitch/core';
 * import { instrumentBreakers } from '@tripswitch/opentelemetry';
 *
 * const breakers = new BreakerRegistry();
 * sdk.start(); // your NodeSDK, or a MeterProvider you pass as { meterProvider }
 * const stop = instrumentBreakers(breakers);
 * ```
 */
export function instrumentBreakers(
  registry: BreakerRegistry,
  options: InstrumentBreakersOptions = {},
): () => void {
  const { meterProvider, buckets, spanEvents, maxNameLength } = checkArguments(registry, options);
  const meter = checkedMeter(meterProvider, meterName);
  const transitions = new TransitionCounts(registry);
  const labels = new BreakerLabels(registry, maxNameLength);
  const offs: Array<() => void> = [];
  const stop = (): void => {
    for (const off of offs.splice(0)) off();
  };
  try {
    offs.push(registry.on('stateChange', (change) => transitions.record(change)));
    offs.push(observeBreakers(meter, registry, transitions, labels));
    if (buckets !== false) offs.push(recordDurations(meter, registry, buckets, labels));
    if (spanEvents) offs.push(addRejectionEvents(registry, labels));
  } catch (error) {
    // A meter that throws halfway (a provider of the caller's own) leaves nothing listening.
    stop();
    throw error;
  }
  return stop;
}
