import { type BatchObservableCallback, type Meter, ValueType } from '@opentelemetry/api';
import type { BreakerRegistry } from '@tripswitch/core';
import { attributeKeys, attributeValue, stateValues } from './attributes.ts';
import type { BreakerLabels } from './breaker-labels.ts';
import { Departures } from './departures.ts';
import type { TransitionCounts } from './transition-counts.ts';

/**
 * @internal The asynchronous instruments: each breaker's state, call counts, rates and
 * transitions, and the registry's overflows, read from the registry in one callback per
 * collection. Returns the function
 * that removes the callback.
 */
export function observeBreakers(
  meter: Meter,
  registry: Pick<BreakerRegistry, 'size' | 'stats' | 'overflows'>,
  transitions: TransitionCounts,
  labels: BreakerLabels,
): () => void {
  const state = meter.createObservableUpDownCounter('circuit_breaker.state', {
    description:
      'Whether the circuit is in the state of circuit_breaker.state (1) or not (0); every state is reported.',
    unit: '{circuit_breaker}',
    valueType: ValueType.INT,
  });
  const calls = meter.createObservableCounter('circuit_breaker.calls', {
    description:
      'Calls through the breaker by circuit_breaker.call.result: success, failure (timeouts excluded), timeout, ignored, rejected.',
    unit: '{call}',
    valueType: ValueType.INT,
  });
  const slowCalls = meter.createObservableCounter('circuit_breaker.slow_calls', {
    description: 'Calls that took at least slowCallDurationMs, successful or not.',
    unit: '{call}',
    valueType: ValueType.INT,
  });
  const fallbacks = meter.createObservableCounter('circuit_breaker.fallbacks', {
    description: "Failed or refused calls answered by the breaker's fallback.",
    unit: '{fallback}',
    valueType: ValueType.INT,
  });
  const stateTransitions = meter.createObservableCounter('circuit_breaker.state_transitions', {
    description:
      'State transitions since the instrumentation started, by previous state, new state and reason.',
    unit: '{transition}',
    valueType: ValueType.INT,
  });
  const failureRate = meter.createObservableGauge('circuit_breaker.failure_rate', {
    description: "Failed calls in the breaker's window, as a ratio of its calls (0 when empty).",
    unit: '1',
  });
  const slowCallRate = meter.createObservableGauge('circuit_breaker.slow_call_rate', {
    description: "Slow calls in the breaker's window, as a ratio of its calls (0 when empty).",
    unit: '1',
  });
  const overflows = meter.createObservableCounter('circuit_breaker.registry.overflows', {
    description:
      'Breakers built for a new name and not kept, because every breaker the registry held (maxBreakers) was open, half-open, forced open or disabled; their calls ran unguarded.',
    unit: '{circuit_breaker}',
    valueType: ValueType.INT,
  });
  const observables = [
    overflows,
    state,
    calls,
    slowCalls,
    fallbacks,
    stateTransitions,
    failureRate,
    slowCallRate,
  ];

  const departures = new Departures(registry);
  const observe: BatchObservableCallback = (result) => {
    result.observe(overflows, registry.overflows);
    labels.sweep();
    // The labels observed: a departed breaker is reported under the label it had.
    const present = new Set<string>();
    for (const stats of registry.stats()) {
      const label = labels.of(stats.name);
      present.add(label);
      const breaker = { [attributeKeys.name]: label };
      const current = attributeValue(stats.state);
      for (const value of stateValues) {
        result.observe(state, value === current ? 1 : 0, {
          ...breaker,
          [attributeKeys.state]: value,
        });
      }
      const { totals } = stats;
      const byResult: Array<[string, number]> = [
        ['success', totals.successes],
        // The core counts a timeout as a failure too; here each call has one result.
        ['failure', totals.failures - totals.timeouts],
        ['timeout', totals.timeouts],
        ['ignored', totals.ignored],
        ['rejected', totals.rejected],
        ['cancelled', totals.cancelled],
      ];
      for (const [callResult, count] of byResult) {
        result.observe(calls, count, { ...breaker, [attributeKeys.callResult]: callResult });
      }
      result.observe(slowCalls, totals.slowCalls, breaker);
      result.observe(fallbacks, totals.fallbacks, breaker);
      result.observe(failureRate, stats.failureRate / 100, breaker);
      result.observe(slowCallRate, stats.slowCallRate / 100, breaker);
    }
    for (const label of departures.update(present)) {
      const breaker = { [attributeKeys.name]: label };
      for (const value of stateValues) {
        result.observe(state, 0, { ...breaker, [attributeKeys.state]: value });
      }
      result.observe(failureRate, 0, breaker);
      result.observe(slowCallRate, 0, breaker);
    }
    for (const { name, from, to, reason, count } of transitions.counts()) {
      result.observe(stateTransitions, count, {
        [attributeKeys.name]: labels.of(name),
        [attributeKeys.previousState]: attributeValue(from),
        [attributeKeys.state]: attributeValue(to),
        [attributeKeys.transitionReason]: attributeValue(reason),
      });
    }
  };
  meter.addBatchObservableCallback(observe, observables);
  return () => meter.removeBatchObservableCallback(observe, observables);
}
