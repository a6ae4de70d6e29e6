// Where the instruments come from (a given or the global MeterProvider, through a real export
// pipeline), what happens to breakers that leave the registry, and the function that stops it all.
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { settle, testClock, testRegistry, trip } from '@tripswitch/test-breakers';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { instrumentBreakers, meterName } from '../src/index.ts';
import { byInstrument, manualMeterProvider, pointsOf, pointValue } from './collect.ts';

const name = 'circuit_breaker.name';

afterEach(() => {
  vi.useRealTimers();
});

describe('meter providers', () => {
  it('uses the global MeterProvider when none is given', async () => {
    const { meterProvider, collect } = manualMeterProvider();
    metrics.setGlobalMeterProvider(meterProvider);
    onTestFinished(() => metrics.disable());
    const registry = testRegistry(testClock());
    instrumentBreakers(registry);
    settle(registry.get('a'), 2, 'success');
    const calls = pointValue(await collect(), 'circuit_breaker.calls', {
      [name]: 'a',
      'circuit_breaker.call.result': 'success',
    });
    expect(calls).toBe(2);
  });

  it('exports through a PeriodicExportingMetricReader on forceFlush, under its own scope', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    onTestFinished(() => meterProvider.shutdown());
    const registry = testRegistry(testClock());
    instrumentBreakers(registry, { meterProvider });
    trip(registry.get('payments'));

    await meterProvider.forceFlush();
    const exported = exporter.getMetrics();
    expect(exported).toHaveLength(1);
    const [resourceMetrics] = exported;
    expect(resourceMetrics?.scopeMetrics.map(({ scope }) => scope.name)).toEqual([meterName]);
    const collected = byInstrument(resourceMetrics as never);
    expect(
      pointValue(collected, 'circuit_breaker.state', {
        [name]: 'payments',
        'circuit_breaker.state': 'open',
      }),
    ).toBe(1);
  });
});

describe('breakers that leave the registry', () => {
  it('report leaving their state, and zeros for five minutes, then nothing (delta)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const registry = testRegistry(testClock());
    const { meterProvider, collect } = manualMeterProvider(AggregationTemporality.DELTA);
    instrumentBreakers(registry, { meterProvider });
    trip(registry.get('gone'));
    registry.get('kept');
    await collect();
    registry.delete('gone');

    let collected = await collect();
    // Deltas: the open state loses its 1, so a sum over time shows the breaker in no state.
    expect(
      pointsOf(collected, 'circuit_breaker.state', { [name]: 'gone' }).map(
        ({ attributes, value }) => `${attributes['circuit_breaker.state']} ${value}`,
      ),
    ).toEqual(['closed 0', 'open -1', 'half_open 0', 'disabled 0', 'forced_open 0']);
    expect(pointValue(collected, 'circuit_breaker.failure_rate', { [name]: 'gone' })).toBe(0);
    expect(pointsOf(collected, 'circuit_breaker.calls', { [name]: 'gone' })).toEqual([]);

    vi.advanceTimersByTime(5 * 60_000);
    collected = await collect();
    expect(pointsOf(collected, 'circuit_breaker.state', { [name]: 'gone' })).toEqual([]);
    expect(pointsOf(collected, 'circuit_breaker.failure_rate', { [name]: 'gone' })).toEqual([]);
    expect(pointsOf(collected, 'circuit_breaker.state', { [name]: 'kept' })).toHaveLength(5);
  });

  it('are shown in no state, not the last one, by an SDK that keeps cumulative series', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const registry = testRegistry(testClock());
    const { meterProvider, collect } = manualMeterProvider(AggregationTemporality.CUMULATIVE);
    instrumentBreakers(registry, { meterProvider });
    trip(registry.get('gone'));
    await collect();
    registry.delete('gone');
    await collect();
    vi.advanceTimersByTime(5 * 60_000);
    const collected = await collect();
    // The SDK may or may not still export the series (opentelemetry-js#4096); if it does, all 0.
    const states = pointsOf(collected, 'circuit_breaker.state', { [name]: 'gone' });
    expect(states.every(({ value }) => value === 0)).toBe(true);
    expect(
      pointsOf(collected, 'circuit_breaker.failure_rate', { [name]: 'gone' }).map(
        ({ value }) => value,
      ),
    ).not.toContain(1);
  });

  it('start afresh when the name comes back', async () => {
    const registry = testRegistry(testClock());
    const { meterProvider, collect } = manualMeterProvider(AggregationTemporality.DELTA);
    instrumentBreakers(registry, { meterProvider });
    trip(registry.get('api'));
    await collect();
    registry.delete('api');
    await collect();
    registry.get('api');
    const collected = await collect();
    expect(
      pointsOf(collected, 'circuit_breaker.state', { [name]: 'api' }).map(
        ({ attributes, value }) => `${attributes['circuit_breaker.state']} ${value}`,
      ),
    ).toEqual(['closed 1', 'open 0', 'half_open 0', 'disabled 0', 'forced_open 0']);
    expect(pointsOf(collected, 'circuit_breaker.state_transitions', { [name]: 'api' })).toEqual([]);
  });
});

describe('the returned function', () => {
  it('stops observing and listening; calling it again does nothing', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const { meterProvider, collect } = manualMeterProvider(AggregationTemporality.DELTA);
    const stop = instrumentBreakers(registry, { meterProvider });
    const breaker = registry.get('a');
    settle(breaker, 1, 'success');
    expect(pointsOf(await collect(), 'circuit_breaker.calls')).toHaveLength(6);

    stop();
    stop();
    clock.reads = 0;
    settle(breaker, 3, 'success');
    expect(clock.reads).toBe(0);
    trip(breaker);
    const collected = await collect();
    expect(pointsOf(collected, 'circuit_breaker.calls')).toEqual([]);
    expect(pointsOf(collected, 'circuit_breaker.state')).toEqual([]);
    // Nothing more goes into the histogram (a meter has no way to remove an instrument).
    expect(pointsOf(collected, 'circuit_breaker.call.duration')).toEqual([]);
  });
});
