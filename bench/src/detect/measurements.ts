import {
  type Measure,
  ratesOf,
  runOf,
  type Scenario,
  scenarios,
  simulateAsync,
  type Trace,
} from '@tripswitch/simulator';
import type { Contender } from './contender.ts';

/** Every metric of one contender, by scenario, variant and rate, and a digest of each trace. */
export interface Measurements {
  readonly contender: string;
  readonly metrics: Map<string, unknown>;
  readonly digests: Map<string, string>;
  /** Wall-clock milliseconds the runs took. */
  readonly elapsedMs: number;
}

function key(scenario: Scenario<unknown>, label: string, rate: number): string {
  return `${scenario.number}/${label}/${rate}`;
}

/** Runs every scenario, variant and rate for `contender`. */
export async function measureContender(contender: Contender): Promise<Measurements> {
  const metrics = new Map<string, unknown>();
  const digests = new Map<string, string>();
  const started = performance.now();
  for (const scenario of scenarios) {
    const factory = contender.subject(scenario);
    for (const variant of scenario.variants) {
      for (const rate of ratesOf(scenario)) {
        const trace = await simulateAsync(factory, runOf(variant, rate));
        metrics.set(key(scenario, variant.label, rate), scenario.measure(trace, variant));
        digests.set(key(scenario, variant.label, rate), digest(trace));
      }
    }
  }
  return {
    contender: contender.name,
    metrics,
    digests,
    elapsedMs: performance.now() - started,
  };
}

/** Looks metrics up in `measurements`; throws for a run that was not made. */
export function lookUp(measurements: Measurements): Measure {
  return <TMetrics>(scenario: Scenario<TMetrics>, rate: number, label = '') => {
    const found = measurements.metrics.get(key(scenario as Scenario<unknown>, label, rate));
    if (found === undefined) {
      throw new Error(
        `${measurements.contender}: no run of scenario ${scenario.number} ${label} at ${rate}/s`,
      );
    }
    return found as TMetrics;
  };
}

/**
 * A short fingerprint of everything a trace holds (FNV-1a over its columns and transitions), to
 * tell whether two drivers of the same breaker did exactly the same thing.
 */
export function digest(trace: Trace): string {
  let hash = 0x811c9dc5;
  const mixIn = (value: number): void => {
    const text = Number.isNaN(value) ? 'n' : String(value);
    for (let i = 0; i < text.length; i++) {
      hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    }
    hash = Math.imul(hash ^ 0x2c, 0x01000193);
  };
  for (let call = 0; call < trace.calls; call++) {
    mixIn(trace.sentAt[call] as number);
    mixIn(trace.refusedAt[call] as number);
    mixIn(trace.end[call] as number);
    mixIn(trace.ok[call] as number);
    mixIn(trace.seen[call] as number);
  }
  for (const { at, to } of trace.transitions) {
    mixIn(at);
    for (let i = 0; i < to.length; i++) mixIn(to.charCodeAt(i));
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
