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
    /** The breaker's name. */
    name: string;
    /** The state it left. */
    from: CircuitState;
    /** The state it entered. */
    to: CircuitState;
    /** What made it change. */
    reason: TransitionReason;
    /** When it opened: the time it admits trial calls again, on the breaker's clock. */
    openUntil?: number;
    /** When it opened: the opens since it last closed, from 1. */
    attempt?: number;
    /** When a rule of your own opened it (`reason: 'trip-rule'`): that rule's name. */
    rule?: string;
  };
  /** A call succeeded. */
  success: {
    /** The breaker's name. */
    name: string;
    /** How long the call took, in milliseconds. */
    durationMs: number;
  };
  /**
   * A call failed: it threw (`error`), timed out (`error` is a `CircuitTimeoutError`), or
   * returned a value `isResultFailure` rejects (`result`).
   */
  failure: {
    /** The breaker's name. */
    name: string;
    /** How long the call took, in milliseconds. */
    durationMs: number;
    /** What the call threw or rejected with, when it did. */
    error?: unknown;
    /** What the call returned, when `isResultFailure` made it a failure. */
    result?: unknown;
  };
  /** A call ended but was not counted: cancelled by its caller, or an error `isFailure` rejects. */
  ignored: {
    /** The breaker's name. */
    name: string;
    /** How long the call took, in milliseconds. */
    durationMs: number;
    /** Why it was not counted. */
    reason: IgnoreReason;
    /** What the call threw or rejected with, when it did. */
    error?: unknown;
  };
  /** A call was refused without being made. */
  rejected: {
    /** The breaker's name. */
    name: string;
    /** What refused it. */
    reason: RejectionReason;
  };
  /**
   * A call was cancelled by its caller before it was admitted: its signal was already aborted,
   * or aborted while the call waited in the bulkhead's queue (`queued`). `error` is the signal's
   * reason. The function was not called and nothing was recorded.
   */
  cancelled: {
    /** The breaker's name. */
    name: string;
    /** Whether the call waited in the bulkhead's queue. */
    queued: boolean;
    /** The signal's reason. */
    error: unknown;
  };
  /** A call ran past `timeoutMs` and was aborted; a `failure` event follows. */
  timeout: {
    /** The breaker's name. */
    name: string;
    /** How long the call ran, in milliseconds. */
    durationMs: number;
    /** The breaker's `timeoutMs`. */
    timeoutMs: number;
  };
  /**
   * The function of a call through `execute` or `wrap` settled `lateByMs` after its caller
   * stopped waiting for it: the call had timed out, or its caller had aborted it (`cause`).
   * Until then it held its bulkhead slot, if the breaker has a bulkhead. A large `lateByMs`
   * means the function does not stop when its signal aborts.
   */
  settledLate: {
    /** The breaker's name. */
    name: string;
    /** How long after its caller stopped waiting the function settled, in milliseconds. */
    lateByMs: number;
    /** Why its caller stopped waiting. */
    cause: LateSettlementCause;
  };
  /** A call took at least `slowCallDurationMs`. */
  slowCall: {
    /** The breaker's name. */
    name: string;
    /** How long the call took, in milliseconds. */
    durationMs: number;
    /** Whether the call succeeded. */
    succeeded: boolean;
  };
  /** The fallback produced the result of a failed or refused call. */
  fallback: {
    /** The breaker's name. */
    name: string;
    /** The failure or refusal the fallback answered. */
    error: unknown;
  };
  /**
   * A function given to the breaker threw: an event listener, `isFailure`, `isResultFailure`,
   * `openDurationMs` or a trip rule. The breaker carried on; without a listener for this event the error is
   * written to `console.error`.
   */
  callbackError: {
    /** The breaker's name. */
    name: string;
    /** Which function threw: an option's name (`isFailure`), or `'<event> listener'`. */
    callback: string;
    /** What it threw. */
    error: unknown;
  };
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
