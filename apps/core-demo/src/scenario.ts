import {
  CircuitBreaker,
  type CircuitState,
  exponentialBackoff,
  isCircuitOpenError,
  isCircuitTimeoutError,
  type TransitionReason,
} from '@tripswitch/core';
import { type Behaviour, FlakyDependency } from './flaky-dependency.ts';
import { seededRandom } from './random.ts';
import type { Timing } from './time.ts';

/** The name of a phase of the scenario. */
export type PhaseName = 'healthy' | 'outage' | 'recovered';

/** One phase of the scripted scenario: what the dependency does, and for how long. */
export interface PhaseScript {
  readonly name: PhaseName;
  /** What the timeline says when the phase begins. */
  readonly headline: string;
  readonly durationMs: number;
  readonly behaviour: Behaviour;
}

const healthy: Behaviour = { failureRate: 0.02, hangRate: 0, latencyMs: [15, 45], hangMs: 0 };

/** The script: a healthy dependency, an outage, then recovery. About 8 seconds in all. */
export const script: readonly PhaseScript[] = [
  { name: 'healthy', headline: 'healthy', durationMs: 2_000, behaviour: healthy },
  {
    name: 'outage',
    headline: 'outage begins',
    durationMs: 3_500,
    behaviour: { failureRate: 1, hangRate: 0.4, latencyMs: [5, 15], hangMs: 2_000 },
  },
  { name: 'recovered', headline: 'recovered', durationMs: 2_500, behaviour: healthy },
];

/** The steady traffic the scenario sends through the breaker. */
export const traffic = {
  /** One call starts every `intervalMs`, whether or not earlier calls have finished. */
  intervalMs: 50,
  /** How often the timeline reports the calls that ended since its last report. */
  reportEveryMs: 1_000,
} as const;

/** The breaker's settings: short durations, so that the whole story fits in a few seconds. */
export const breakerSettings = {
  name: 'upstream',
  windowSize: 10,
  minimumCalls: 10,
  failureRateThreshold: 50,
  timeoutMs: 250,
  openDuration: { initialMs: 500, maxMs: 2_000 },
  halfOpenMaxCalls: 3,
} as const;

/** How a call ended, as its caller saw it. */
export type Outcome =
  /** The dependency answered. */
  | 'success'
  /** The dependency failed; the caller got the fallback. */
  | 'failure'
  /** The dependency took longer than `timeoutMs`; the call was aborted, the caller got the fallback. */
  | 'timeout'
  /** The circuit refused the call without making it; the caller got the fallback at once. */
  | 'rejected';

/** One call through the breaker. Times are milliseconds since the scenario started. */
export interface CallRecord {
  /** The phase in which the call started. */
  readonly phase: PhaseName;
  readonly startedAt: number;
  /** How long the caller waited for an answer (the dependency's, or the fallback). */
  readonly durationMs: number;
  readonly outcome: Outcome;
  /** When the call reached the dependency and the circuit's state then; undefined when it did not. */
  readonly sent: { readonly at: number; readonly state: CircuitState } | undefined;
}

/** An entry of the timeline. `at` is milliseconds since the scenario started. */
export type TimelineEntry =
  | { readonly kind: 'phase'; readonly at: number; readonly phase: PhaseScript }
  | {
      readonly kind: 'state';
      readonly at: number;
      readonly from: CircuitState;
      readonly to: CircuitState;
      readonly reason: TransitionReason;
      /** The window's counts when the circuit changed state. */
      readonly window: { readonly calls: number; readonly failures: number };
      /** How long the circuit now stays open, when it opened, in whole milliseconds. */
      readonly openForMs: number | undefined;
      /** The error of the most recent failed call, e.g. the trial that reopened the circuit. */
      readonly lastFailure: unknown;
    }
  | {
      readonly kind: 'traffic';
      readonly at: number;
      /** The calls that ended since the previous traffic entry. */
      readonly calls: readonly CallRecord[];
    }
  | { readonly kind: 'end'; readonly at: number };

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  /** The source of time for the scenario, the dependency and the breaker. */
  timing: Timing;
  /**
   * Seeds the dependency's randomness; the same seed replays the same run.
   * @defaultValue 7
   */
  seed?: number;
  /** Receives each timeline entry as it happens, e.g. to print it. */
  onEntry?: (entry: TimelineEntry) => void;
}

/** What a run of the scenario produced. */
export interface ScenarioResult {
  readonly entries: readonly TimelineEntry[];
  /** Every call, in the order they started. */
  readonly calls: readonly CallRecord[];
  /** How many calls reached the dependency, by its own count. */
  readonly dependencyCalls: number;
}

/** What a call returns to its caller: the dependency's answer, or the fallback. */
type Served = { readonly source: 'dependency' } | { readonly source: 'fallback'; error: unknown };

/**
 * Runs the scripted scenario: steady traffic through one {@link CircuitBreaker} to a
 * {@link FlakyDependency} that is healthy, then fails, then recovers. It reads time only from
 * `options.timing` (the breaker too, through its `clock`), so a test can run it on fake timers.
 *
 * @returns the timeline and every call, once the last phase is over and every call has ended.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { timing, onEntry } = options;
  const start = timing.now();
  const elapsed = (): number => timing.now() - start;
  const entries: TimelineEntry[] = [];
  const emit = (entry: TimelineEntry): void => {
    entries.push(entry);
    onEntry?.(entry);
  };

  const first = script[0] as PhaseScript;
  const dependency = new FlakyDependency({
    behaviour: first.behaviour,
    random: seededRandom(options.seed ?? 7),
    sleep: (ms, signal) => timing.sleep(ms, signal),
  });
  const breaker = new CircuitBreaker({
    name: breakerSettings.name,
    window: { type: 'count', size: breakerSettings.windowSize },
    minimumCalls: breakerSettings.minimumCalls,
    failureRateThreshold: breakerSettings.failureRateThreshold,
    timeoutMs: breakerSettings.timeoutMs,
    openDurationMs: exponentialBackoff(breakerSettings.openDuration),
    halfOpenMaxCalls: breakerSettings.halfOpenMaxCalls,
    clock: { now: () => timing.now() },
    fallback: (error: unknown): Served => ({ source: 'fallback', error }),
  });

  let lastFailure: unknown;
  breaker.on('failure', (event) => {
    lastFailure = event.error;
  });
  breaker.on('stateChange', ({ from, to, reason }) => {
    const stats = breaker.stats();
    emit({
      kind: 'state',
      at: elapsed(),
      from,
      to,
      reason,
      window: { calls: stats.calls, failures: stats.failures },
      // stats() reads the clock a hair after the circuit opened; round that away.
      openForMs: stats.retryAfterMs === undefined ? undefined : Math.round(stats.retryAfterMs),
      lastFailure,
    });
  });

  const calls: CallRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  let endedSinceReport: CallRecord[] = [];
  let nextReportAt = traffic.reportEveryMs;

  const report = (): void => {
    emit({ kind: 'traffic', at: elapsed(), calls: endedSinceReport });
    endedSinceReport = [];
  };
  // Decided on the schedule, not the clock, so that each report closes a whole second of it.
  const reportIfDue = (scheduledAt: number): void => {
    if (scheduledAt < nextReportAt) return;
    report();
    nextReportAt += traffic.reportEveryMs;
  };
  // Timers run on a coarser clock than performance.now() and can wake a fraction of a
  // millisecond early by it; sleep again rather than report a second as 5.999 s.
  const sleepUntil = async (at: number): Promise<void> => {
    while (elapsed() < at) await timing.sleep(at - elapsed());
  };

  const send = (phase: PhaseName): void => {
    const startedAt = elapsed();
    let sent: CallRecord['sent'];
    const call = breaker
      .execute(async (signal): Promise<Served> => {
        sent = { at: elapsed(), state: breaker.state };
        await dependency.call(signal);
        return { source: 'dependency' };
      })
      // With a fallback set, execute() rejects only for ignored errors and calls aborted by
      // their caller; the scenario has neither, but a rejection must not go unhandled.
      .then(outcomeOf, () => 'failure' as const)
      .then((outcome) => {
        const record: CallRecord = {
          phase,
          startedAt,
          durationMs: elapsed() - startedAt,
          outcome,
          sent,
        };
        calls.push(record);
        endedSinceReport.push(record);
        inFlight.delete(call);
      });
    inFlight.add(call);
  };

  let phaseStartsAt = 0;
  for (const phase of script) {
    await sleepUntil(phaseStartsAt);
    reportIfDue(phaseStartsAt);
    dependency.behaviour = phase.behaviour;
    emit({ kind: 'phase', at: elapsed(), phase });
    for (let at = phaseStartsAt; at < phaseStartsAt + phase.durationMs; at += traffic.intervalMs) {
      if (at > phaseStartsAt) {
        await sleepUntil(at);
        reportIfDue(at);
      }
      send(phase.name);
    }
    phaseStartsAt += phase.durationMs;
  }
  await sleepUntil(phaseStartsAt);
  await Promise.all(inFlight);
  report();
  emit({ kind: 'end', at: elapsed() });

  calls.sort((a, b) => a.startedAt - b.startedAt);
  return { entries, calls, dependencyCalls: dependency.calls };
}

function outcomeOf(served: Served): Outcome {
  if (served.source === 'dependency') return 'success';
  if (isCircuitOpenError(served.error)) return 'rejected';
  if (isCircuitTimeoutError(served.error)) return 'timeout';
  return 'failure';
}
