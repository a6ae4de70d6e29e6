import type { CallRecord } from './scenario.ts';

/** The spread of a set of durations, in milliseconds. */
export interface Latency {
  readonly median: number;
  readonly p95: number;
  readonly mean: number;
}

/** What happened to a set of calls. */
export interface CallSummary {
  /** Calls made by the traffic, whatever became of them. */
  readonly attempted: number;
  /** Calls the breaker let through to the dependency. */
  readonly reached: number;
  /** Calls the circuit refused at once, without making them. */
  readonly rejected: number;
  readonly successes: number;
  /** Calls that reached the dependency and failed with an error. */
  readonly errors: number;
  /** Calls that reached the dependency and that the breaker aborted after `timeoutMs`. */
  readonly timeouts: number;
  /** How long refused calls took to answer; undefined when there were none. */
  readonly rejectedLatency: Latency | undefined;
  /** How long calls that reached the dependency took; undefined when there were none. */
  readonly admittedLatency: Latency | undefined;
}

/** Counts `calls` by outcome and measures the latency of refused and admitted calls. */
export function summarize(calls: readonly CallRecord[]): CallSummary {
  const count = (outcome: CallRecord['outcome']): number =>
    calls.filter((call) => call.outcome === outcome).length;
  return {
    attempted: calls.length,
    reached: calls.filter((call) => call.sent !== undefined).length,
    rejected: count('rejected'),
    successes: count('success'),
    errors: count('failure'),
    timeouts: count('timeout'),
    rejectedLatency: latency(calls.filter((call) => call.sent === undefined)),
    admittedLatency: latency(calls.filter((call) => call.sent !== undefined)),
  };
}

/** What the breaker spared a broken dependency and its callers during an outage. */
export interface Savings {
  /** Calls made while the dependency was down. */
  readonly attempted: number;
  /** Of those, calls the breaker let through to it. */
  readonly reached: number;
  /** Of those, calls that reached it before the circuit opened. */
  readonly reachedWhileClosed: number;
  /** Of those, trial calls the half-open circuit let through. */
  readonly trials: number;
  /** Calls refused at once: neither the dependency nor their caller spent time on them. */
  readonly spared: number;
  /** The mean time a call that did reach the broken dependency kept its caller waiting. */
  readonly failingCallMeanMs: number;
  /** The waiting the refusals saved callers, estimated from `failingCallMeanMs`. */
  readonly waitSavedMs: number;
  /** The price: calls refused after the dependency had recovered, before a trial found out. */
  readonly refusedAfterRecovery: number;
}

/** Weighs the calls made during the outage against those refused after recovery. */
export function savings(
  outageCalls: readonly CallRecord[],
  recoveryCalls: readonly CallRecord[],
): Savings {
  const reached = outageCalls.filter((call) => call.sent !== undefined);
  const spared = outageCalls.filter((call) => call.outcome === 'rejected');
  const failingCallMeanMs = latency(reached)?.mean ?? 0;
  return {
    attempted: outageCalls.length,
    reached: reached.length,
    reachedWhileClosed: reached.filter((call) => call.sent?.state === 'closed').length,
    trials: reached.filter((call) => call.sent?.state === 'half-open').length,
    spared: spared.length,
    failingCallMeanMs,
    waitSavedMs: spared.length * failingCallMeanMs,
    refusedAfterRecovery: recoveryCalls.filter((call) => call.outcome === 'rejected').length,
  };
}

function latency(calls: readonly CallRecord[]): Latency | undefined {
  if (calls.length === 0) return undefined;
  const sorted = calls.map((call) => call.durationMs).sort((a, b) => a - b);
  const at = (quantile: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] as number;
  const total = sorted.reduce((sum, ms) => sum + ms, 0);
  return { median: at(0.5), p95: at(0.95), mean: total / sorted.length };
}
