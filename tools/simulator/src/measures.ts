import { type Trace, type Transition, wasRefused, wasSent } from './trace.ts';

/** How a breaker reacted to a fault that lasts: how soon it opened and how much got through. */
export interface OpeningMetrics {
  /** Whether the circuit opened after the fault began. */
  readonly opened: boolean;
  /** From the start of the fault to the first open, in ms; undefined when it never opened. */
  readonly timeToOpenMs: number | undefined;
  /**
   * Bad calls (failing, or slow) sent from the start of the fault until the circuit opened, or
   * until the end of the run when it never did: the calls the breaker let into the fault.
   */
  readonly badCallsAdmitted: number;
  /** Of those, how many had answered when the circuit opened: what the breaker had seen. */
  readonly badAnswersBeforeOpen: number;
}

/** Whether call `call` of `trace` is bad for the scenario (failed, or slow). */
export type IsBad = (trace: Trace, call: number) => boolean;

/** A call the service answered with a failure. */
export const failed: IsBad = (trace, call) => trace.ok[call] === 0;

/** A call whose answer took at least `ms`. */
export function slowerThan(ms: number): IsBad {
  return (trace, call) => (trace.end[call] as number) - (trace.sentAt[call] as number) >= ms;
}

/** Reads {@link OpeningMetrics} for a fault that begins at `faultAt`. */
export function measureOpening(trace: Trace, faultAt: number, isBad: IsBad): OpeningMetrics {
  const open = trace.transitions.findIndex((t) => t.to === 'open' && t.at >= faultAt);
  const openAt = open < 0 ? Number.POSITIVE_INFINITY : (trace.transitions[open] as Transition).at;
  let badCallsAdmitted = 0;
  let badAnswersBeforeOpen = 0;
  for (let call = 0; call < trace.calls; call++) {
    if (!wasSent(trace, call) || (trace.sentAt[call] as number) < faultAt) continue;
    // Sent after the open was recorded: not the fault's cost but a trial's.
    if (open >= 0 && (trace.seen[call] as number) > open) continue;
    if (!isBad(trace, call)) continue;
    badCallsAdmitted++;
    if ((trace.end[call] as number) <= openAt) badAnswersBeforeOpen++;
  }
  return {
    opened: open >= 0,
    timeToOpenMs: open < 0 ? undefined : openAt - faultAt,
    badCallsAdmitted,
    badAnswersBeforeOpen,
  };
}

/** What a breaker cost a service that is up: trips it should not have made. */
export interface NoiseMetrics {
  /** Times the circuit opened from closed. */
  readonly trips: number;
  /** Calls the breaker refused. */
  readonly refused: number;
  /** The refused calls as time: `refused` calls at the run's rate (ms). */
  readonly refusedMs: number;
}

/** Reads {@link NoiseMetrics}: every open from closed is a false trip when the service is up. */
export function measureNoise(trace: Trace): NoiseMetrics {
  let trips = 0;
  let previous = 'closed';
  for (const { to } of trace.transitions) {
    if (to === 'open' && previous === 'closed') trips++;
    previous = to;
  }
  const refused = countRefused(trace);
  return { trips, refused, refusedMs: refused * trace.intervalMs };
}

/** What a short fault cost: whether it opened the circuit, and the calls refused because of it. */
export interface BlipMetrics {
  /** Whether the circuit opened at or after the blip began. */
  readonly opened: boolean;
  /** Calls the breaker refused. */
  readonly refused: number;
  /** The refused calls as time: `refused` calls at the run's rate (ms). */
  readonly refusedMs: number;
  /** From the end of the blip until the circuit was last closed again (ms); 0 when it never opened. */
  readonly closedAfterHealMs: number | undefined;
}

/** Reads {@link BlipMetrics} for a blip from `faultAt` to `healAt`. */
export function measureBlip(trace: Trace, faultAt: number, healAt: number): BlipMetrics {
  const transitions = trace.transitions;
  const opened = transitions.some((t) => t.to === 'open' && t.at >= faultAt);
  const last = transitions.at(-1);
  const refused = countRefused(trace);
  return {
    opened,
    refused,
    refusedMs: refused * trace.intervalMs,
    closedAfterHealMs: !opened ? 0 : last?.to === 'closed' ? last.at - healAt : undefined,
  };
}

/** How a breaker probed an outage, and how soon it noticed the service was back. */
export interface RecoveryMetrics {
  /** Whether the circuit opened during the outage. */
  readonly opened: boolean;
  /** Calls sent into the broken service after the circuit first opened: the probes. */
  readonly probes: number;
  /** Probes per minute, from the first open until the service healed. */
  readonly probesPerMinute: number;
  /** Times the circuit opened during the outage (the first, then one per failed probe period). */
  readonly opens: number;
  /** The most probes sent after any one open during the outage. */
  readonly maxProbesPerOpen: number;
  /** From the service healing to the circuit closed (ms); undefined when it did not close. */
  readonly healToClosedMs: number | undefined;
  /**
   * How long the circuit stayed open in the period that ended after the service healed (ms): the
   * first half-open at or after healing, minus the open before it.
   */
  readonly openDurationAtHealMs: number | undefined;
  /** Whether the first half-open at or after healing closed the circuit (no wasted period). */
  readonly closedOnFirstHalfOpen: boolean;
  /**
   * Calls refused once the service had healed, as time at the run's rate (ms): what the breaker
   * cost a healthy service while it caught up, whether its circuit stayed open or it shed calls.
   */
  readonly refusedAfterHealMs: number;
}

/** Reads {@link RecoveryMetrics} for an outage from `faultAt` to `healAt`. */
export function measureRecovery(trace: Trace, faultAt: number, healAt: number): RecoveryMetrics {
  const transitions = trace.transitions;
  const firstOpen = transitions.findIndex((t) => t.to === 'open' && t.at >= faultAt);
  const firstOpenAt = firstOpen < 0 ? healAt : (transitions[firstOpen] as Transition).at;
  // For each transition, the index of the last open at or before it.
  const openOf = new Int32Array(transitions.length);
  let lastOpen = -1;
  let opens = 0;
  transitions.forEach((t, i) => {
    if (t.to === 'open') {
      lastOpen = i;
      if (t.at >= faultAt && t.at < healAt) opens++;
    }
    openOf[i] = lastOpen;
  });
  const probesPerOpen = new Map<number, number>();
  let probes = 0;
  for (let call = 0; call < trace.calls; call++) {
    if (!wasSent(trace, call)) continue;
    const sentAt = trace.sentAt[call] as number;
    if (sentAt < firstOpenAt || sentAt >= healAt) continue;
    const seen = trace.seen[call] as number;
    if (firstOpen < 0 || seen <= firstOpen) continue;
    probes++;
    const period = openOf[seen - 1] as number;
    probesPerOpen.set(period, (probesPerOpen.get(period) ?? 0) + 1);
  }
  let refusedAfterHeal = 0;
  for (let call = 0; call < trace.calls; call++) {
    if (wasRefused(trace, call) && (trace.refusedAt[call] as number) >= healAt) refusedAfterHeal++;
  }
  const halfOpen = transitions.findIndex((t) => t.to === 'half-open' && t.at >= healAt);
  const closed = transitions.findIndex((t) => t.to === 'closed' && t.at >= healAt);
  const before = transitions[halfOpen - 1];
  const minutes = (healAt - firstOpenAt) / 60_000;
  return {
    opened: firstOpen >= 0,
    probes,
    probesPerMinute: minutes > 0 ? probes / minutes : 0,
    opens,
    maxProbesPerOpen: Math.max(0, ...probesPerOpen.values()),
    healToClosedMs: closed < 0 ? undefined : (transitions[closed] as Transition).at - healAt,
    openDurationAtHealMs:
      halfOpen < 0 || before?.to !== 'open'
        ? undefined
        : (transitions[halfOpen] as Transition).at - before.at,
    closedOnFirstHalfOpen: halfOpen >= 0 && transitions[halfOpen + 1]?.to === 'closed',
    refusedAfterHealMs: refusedAfterHeal * trace.intervalMs,
  };
}

/** What a breaker made of an overload: how much got done, and how much was sent for nothing. */
export interface OverloadMetrics {
  /** Successful calls per second over the run: the goodput. */
  readonly goodputPerSecond: number;
  /** The goodput in parts of the service's capacity (1 is all of it). */
  readonly goodputShare: number;
  /** Calls sent beyond capacity (the service refused them for want of it), per second. */
  readonly beyondCapacityPerSecond: number;
  /** The calls sent beyond capacity in parts of the calls offered. */
  readonly beyondCapacityShare: number;
  /** Calls sent to the service per second. */
  readonly sentPerSecond: number;
  /** Calls the breaker refused, in parts of the calls offered. */
  readonly refusedShare: number;
  /** Times the circuit opened. */
  readonly opens: number;
}

/** Reads {@link OverloadMetrics} for a service that can answer `callsPerSecond`. */
export function measureOverload(trace: Trace, callsPerSecond: number): OverloadMetrics {
  let ok = 0;
  let sent = 0;
  let beyond = 0;
  for (let call = 0; call < trace.calls; call++) {
    if (!wasSent(trace, call)) continue;
    sent++;
    if (trace.ok[call] === 1) ok++;
    if (trace.overloaded[call] === 1) beyond++;
  }
  const seconds = trace.durationMs / 1000;
  return {
    goodputPerSecond: ok / seconds,
    goodputShare: ok / seconds / callsPerSecond,
    beyondCapacityPerSecond: beyond / seconds,
    beyondCapacityShare: beyond / trace.calls,
    sentPerSecond: sent / seconds,
    refusedShare: countRefused(trace) / trace.calls,
    opens: trace.transitions.filter((t) => t.to === 'open').length,
  };
}

function countRefused(trace: Trace): number {
  let refused = 0;
  for (let call = 0; call < trace.calls; call++) if (wasRefused(trace, call)) refused++;
  return refused;
}
