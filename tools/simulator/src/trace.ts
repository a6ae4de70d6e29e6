/** The states every breaker under simulation reports, whatever its own names for them. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** A change of the circuit's state, at a virtual time. */
export interface Transition {
  readonly at: number;
  readonly to: BreakerState;
}

/**
 * What happened in one simulation, one column per property of a call (call `i` is the `i`-th
 * issued), so a ten-minute run at 1,000 calls per second costs a few typed arrays rather than
 * 600,000 objects.
 */
export interface Trace {
  /** Calls issued per second. */
  readonly rate: number;
  /** Milliseconds between two issued calls. */
  readonly intervalMs: number;
  /** How long calls were issued for. */
  readonly durationMs: number;
  /** How many calls were issued. */
  readonly calls: number;
  /** When each call was issued. */
  readonly start: Float64Array;
  /** When the service received it; NaN when it never did. */
  readonly sentAt: Float64Array;
  /** When the breaker refused it; NaN when it did not. */
  readonly refusedAt: Float64Array;
  /** When its answer arrived; NaN when it was never sent. */
  readonly end: Float64Array;
  /** 1 when the service answered with a success (only meaningful for a sent call). */
  readonly ok: Uint8Array;
  /**
   * 1 when the service refused the call for want of capacity (a run with a `capacity`): a call
   * sent beyond what the service can answer.
   */
  readonly overloaded: Uint8Array;
  /**
   * How many transitions had been recorded when the call was sent or refused: the circuit state
   * it met is `transitions[seen - 1]`, or closed when 0. Counting rather than comparing times
   * orders a transition and a call that happen in the same virtual millisecond.
   */
  readonly seen: Int32Array;
  /** Every transition, in the order they happened. */
  readonly transitions: readonly Transition[];
}

/** The state a call met when it was sent or refused (see {@link Trace.seen}). */
export function stateMet(trace: Trace, call: number): BreakerState {
  const seen = trace.seen[call] as number;
  return seen === 0 ? 'closed' : (trace.transitions[seen - 1] as Transition).to;
}

/** Whether call `call` was sent to the service. */
export function wasSent(trace: Trace, call: number): boolean {
  return !Number.isNaN(trace.sentAt[call]);
}

/** Whether call `call` was refused by the breaker. */
export function wasRefused(trace: Trace, call: number): boolean {
  return !Number.isNaN(trace.refusedAt[call]);
}
