import type { Capacity } from './capacity.ts';
import type { Service } from './service.ts';
import type { Run } from './simulate.ts';
import type { Trace } from './trace.ts';

/** The traffic rates every scenario runs at, in calls per second. */
export const rates: readonly number[] = [10, 100, 1000];

/** One way to run a scenario (a noise level, an outage length), the same at every rate. */
export interface Variant {
  /** Its name in tables and targets; empty when the scenario has a single variant. */
  readonly label: string;
  /** How long calls are issued for, in virtual milliseconds. */
  readonly durationMs: number;
  /** The service model. */
  readonly service: Service;
  /** Seeds the service's chance. */
  readonly seed: number;
  /** When the fault begins. */
  readonly faultAt: number;
  /** When the service is healthy again, for scenarios where it heals. */
  readonly healAt?: number;
  /** What the service can answer, for scenarios about overload; see {@link Run.capacity}. */
  readonly capacity?: Capacity;
}

/**
 * A scenario of the detection benchmark: its variants, and the metrics it reads from a run's
 * trace.
 *
 * @typeParam TMetrics - what {@link Scenario.measure} returns.
 */
export interface Scenario<TMetrics> {
  /** Its number in issue 8 and in BENCHMARKS.md. */
  readonly number: number;
  readonly title: string;
  /** One or two sentences for the report: what happens and what is measured. */
  readonly description: string;
  readonly variants: readonly Variant[];
  /** The rates it runs at, when not every one of {@link rates}. */
  readonly rates?: readonly number[];
  /**
   * A slow-call threshold, in milliseconds, for breakers that have a slow-call rule; the
   * scenario is about slowness rather than errors.
   */
  readonly slowCallDurationMs?: number;
  /** Reads the scenario's metrics from a trace of `variant`. */
  measure(trace: Trace, variant: Variant): TMetrics;
}

/** The run of `variant` at `rate` calls per second. */
export function runOf(variant: Variant, rate: number): Run {
  const { durationMs, service, seed, capacity } = variant;
  return capacity === undefined
    ? { rate, durationMs, service, seed }
    : { rate, durationMs, service, seed, capacity };
}

/** The rates `scenario` runs at. */
export function ratesOf(scenario: Scenario<unknown>): readonly number[] {
  return scenario.rates ?? rates;
}

/** The variant of `scenario` named `label` (the only one when `label` is omitted). */
export function variantOf(scenario: Scenario<unknown>, label = ''): Variant {
  const variant = scenario.variants.find((v) => v.label === label);
  if (variant === undefined) {
    const known = scenario.variants.map((v) => JSON.stringify(v.label)).join(', ');
    throw new RangeError(
      `scenario ${scenario.number} has no variant ${JSON.stringify(label)}; it has ${known}`,
    );
  }
  return variant;
}
