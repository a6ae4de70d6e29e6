import type { CircuitRefusal } from './errors.ts';
import type { CircuitState } from './snapshot.ts';

/** Why a circuit changed state. */
export type TransitionReason =
  | 'failure-rate'
  | 'slow-call-rate'
  | 'consecutive-failures'
  /** A rule of the `rules` option other than the built-in ones; the event names it in `rule`. */
  | 'trip-rule'
  | 'open-duration-elapsed'
  | 'trial-failed'
  | 'trial-timeout'
  | 'trials-succeeded'
  | 'isolate'
  | 'disable'
  | 'reset'
  /** Another process sharing the circuit through a store changed it. */
  | 'fleet';

/** Why a call was refused: by the circuit, or by a full bulkhead. */
export type RejectionReason = CircuitRefusal | 'bulkhead';

/** Why a call was ignored: neither a success nor a failure. */
export type IgnoreReason = 'cancelled' | 'not-a-failure';

/** Why a caller stopped waiting for a call whose function went on running. */
export type LateSettlementCause = 'timeout' | 'cancelled';

/**
 * Every breaker event, by name, with its payload. Each payload names its breaker. The events of a
 * call come before the `stateChange` they cause: a `failure` is emitted, then `closed -> open`.
 */
export interface BreakerEvents {
  /**
   * The circuit changed state. When it opens, `openUntil` (on the breaker's clock) says when it
   * admits trial calls again, and `attempt` counts the opens since it last closed; when a rule of
   * your own opened it (`reason: 'trip-rule'`), `rule` is that rule's name.
   */
  stateChange: {
    name: string;
    from: CircuitState;
    to: CircuitState;
    reason: TransitionReason;
    openUntil?: number;
    attempt?: number;
    rule?: string;
  };
  /** A call succeeded. */
  success: { name: string; durationMs: number };
  /**
   * A call failed: it threw (`error`), timed out (`error` is a `CircuitTimeoutError`), or
   * returned a value `isResultFailure` rejects (`result`).
   */
  failure: { name: string; durationMs: number; error?: unknown; result?: unknown };
  /** A call ended but was not counted: cancelled by its caller, or an error `isFailure` rejects. */
  ignored: { name: string; durationMs: number; reason: IgnoreReason; error?: unknown };
  /** A call was refused without being made. */
  rejected: { name: string; reason: RejectionReason };
  /**
   * A call was cancelled by its caller before it was admitted: its signal was already aborted,
   * or aborted while the call waited in the bulkhead's queue (`queued`). `error` is the signal's
   * reason. The function was not called and nothing was recorded.
   */
  cancelled: { name: string; queued: boolean; error: unknown };
  /** A call ran past `timeoutMs` and was aborted; a `failure` event follows. */
  timeout: { name: string; durationMs: number; timeoutMs: number };
  /**
   * The function of a call through `execute` or `wrap` settled `lateByMs` after its caller
   * stopped waiting for it: the call had timed out, or its caller had aborted it (`cause`).
   * Until then it held its bulkhead slot, if the breaker has a bulkhead. A large `lateByMs`
   * means the function does not stop when its signal aborts.
   */
  settledLate: { name: string; lateByMs: number; cause: LateSettlementCause };
  /** A call took at least `slowCallDurationMs`. */
  slowCall: { name: string; durationMs: number; succeeded: boolean };
  /** The fallback produced the result of a failed or refused call. */
  fallback: { name: string; error: unknown };
  /**
   * A function given to the breaker threw: an event listener, `isFailure`, `isResultFailure`,
   * `openDurationMs` or a trip rule. The breaker carried on; without a listener for this event the error is
   * written to `console.error`.
   */
  callbackError: { name: string; callback: string; error: unknown };
}

/** The name of a breaker event. */
export type BreakerEventName = keyof BreakerEvents;

/** A listener of one breaker event. */
export type BreakerListener<K extends BreakerEventName> = (event: BreakerEvents[K]) => void;

const eventNames: ReadonlySet<string> = new Set<BreakerEventName>([
  'stateChange',
  'success',
  'failure',
  'ignored',
  'rejected',
  'cancelled',
  'timeout',
  'settledLate',
  'slowCall',
  'fallback',
  'callbackError',
]);

/** @internal Throws a clear error for an event name that does not exist. */
export function checkEventName(event: unknown): asserts event is BreakerEventName {
  if (typeof event !== 'string' || !eventNames.has(event)) {
    throw new TypeError(
      `Unknown breaker event ${JSON.stringify(event)}; expected one of: ${[...eventNames].join(', ')}`,
    );
  }
}

type ListenerLists = { [K in BreakerEventName]?: ReadonlyArray<BreakerListener<K>> };

/**
 * @internal Listener lists per event. A list is replaced, never mutated, so a listener that
 * subscribes or unsubscribes during an emit does not disturb it; an event with no listener has
 * no list, so the breaker can skip building its payload.
 */
export class Listeners {
  readonly lists: ListenerLists = {};
  /** Whether any listener wants call durations, so the breaker must read the clock per call. */
  timed = false;
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  add<K extends BreakerEventName>(event: K, listener: BreakerListener<K>): () => void {
    checkEventName(event);
    if (typeof listener !== 'function') {
      throw new TypeError(
        `The listener of breaker event "${event}" must be a function; got ${typeof listener}`,
      );
    }
    const lists = this.lists as { [P in K]?: ReadonlyArray<BreakerListener<K>> };
    lists[event] = [...(lists[event] ?? []), listener];
    this.#updateTimed();
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      // Remove this subscription only: the same function may be subscribed more than once.
      const remaining = [...(lists[event] ?? [])];
      remaining.splice(remaining.indexOf(listener), 1);
      if (remaining.length === 0) delete lists[event];
      else lists[event] = remaining;
      this.#updateTimed();
    };
  }

  #updateTimed(): void {
    const { success, failure, ignored, timeout, slowCall } = this.lists;
    this.timed = Boolean(success || failure || ignored || timeout || slowCall);
  }

  emit<K extends BreakerEventName>(event: K, payload: BreakerEvents[K]): void {
    const list = this.lists[event] as ReadonlyArray<BreakerListener<K>> | undefined;
    if (list === undefined) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        this.report(`${event} listener`, error);
      }
    }
  }

  /** Reports an error thrown by a user's function without letting it reach the call path. */
  report(callback: string, error: unknown): void {
    const list = this.lists.callbackError;
    if (list === undefined) {
      console.error(`[tripswitch] circuit "${this.#name}": ${callback} threw`, error);
      return;
    }
    const payload = { name: this.#name, callback, error };
    for (const listener of list) {
      try {
        listener(payload);
      } catch {
        // A failing callbackError listener has nowhere left to report to.
      }
    }
  }
}
