import type { Permit } from '@tripswitch/core';

/** An attempt whose caller's signal is watched: its abort listener goes when the attempt ends. */
class WatchedAttempt {
  readonly permit: Permit;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;

  constructor(permit: Permit, signal: AbortSignal, onAbort: () => void) {
    this.permit = permit;
    this.signal = signal;
    this.onAbort = onAbort;
  }
}

// Marks an attempt that ended before its permit was registered (see end()).
const ended = Symbol('ended');

/**
 * The permits of the attempts in flight, keyed by the options object got hands every hook of
 * one attempt. got builds a new one for each retry and each redirect, and keeps it from the
 * `beforeRequest` hooks to the last hook of that attempt (got 15 and 16 alike), so an entry is
 * one attempt and goes with it: a WeakMap, never a list. An attempt without a signal is stored
 * as its permit alone: nothing more is made for it.
 */
export class Attempts {
  readonly #open = new WeakMap<object, Permit | WatchedAttempt | typeof ended>();

  /** Whether the attempt already holds a permit (or ended), so it must not take another. */
  has(options: object): boolean {
    return this.#open.has(options);
  }

  /**
   * Registers the attempt's permit; `onAbort` runs if the caller's `signal` aborts first (the
   * caller makes it only when there is a signal). Returns false, and leaves the permit to the
   * caller, when the attempt already ended.
   */
  add(
    options: object,
    permit: Permit,
    signal: AbortSignal | undefined,
    onAbort: (() => void) | undefined,
  ): boolean {
    if (this.#open.get(options) === ended) return false;
    if (signal === undefined || onAbort === undefined) {
      this.#open.set(options, permit);
      return true;
    }
    this.#open.set(options, new WatchedAttempt(permit, signal, onAbort));
    signal.addEventListener('abort', onAbort, { once: true });
    return true;
  }

  /** Removes the attempt and returns its permit to settle, if it still had one. */
  take(options: unknown): Permit | undefined {
    if (typeof options !== 'object' || options === null) return undefined;
    const attempt = this.#open.get(options);
    if (attempt === undefined || attempt === ended) return undefined;
    this.#open.delete(options);
    if (!(attempt instanceof WatchedAttempt)) return attempt;
    attempt.signal.removeEventListener('abort', attempt.onAbort);
    return attempt.permit;
  }

  /**
   * Ends the attempt for good: returns its permit like take(), and makes a later add() fail,
   * for a stream destroyed while an asynchronous `beforeRequest` hook was still running.
   */
  end(options: object): Permit | undefined {
    const permit = this.take(options);
    if (permit === undefined) this.#open.set(options, ended);
    return permit;
  }
}
