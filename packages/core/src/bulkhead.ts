import type { Circuit } from './circuit.ts';
import { BulkheadFullError } from './errors.ts';
import type { Settings } from './options.ts';

/** How a wait for a slot ended: with the slot, or without it. */
export type WaitOutcome = 'admitted' | 'timeout' | 'aborted';

interface Waiter {
  /** Ends the wait: drops the queue timer and the abort listener, and settles the promise. */
  end(outcome: WaitOutcome): void;
}

/**
 * @internal Counts running calls against `maxConcurrent` and queues callers that may wait. A
 * freed slot passes straight to the longest waiter, so a queued call cannot be overtaken.
 */
export class Bulkhead {
  /** Slots taken: calls running, including the lingering ones. */
  active = 0;
  /** Slots still held by calls whose caller stopped waiting (timeout, abort) while they run. */
  lingering = 0;
  readonly #options: NonNullable<Settings['bulkhead']>;
  readonly #breakerName: string;
  // A Set keeps arrival order and lets a waiter that gives up leave in O(1), however long the queue.
  readonly #queue = new Set<Waiter>();

  constructor(options: NonNullable<Settings['bulkhead']>, breakerName: string) {
    this.#options = options;
    this.#breakerName = breakerName;
  }

  get queued(): number {
    return this.#queue.size;
  }

  /**
   * Admits a call through `circuit` and this bulkhead, waiting in the queue when every slot is
   * taken and the queue has room. Resolves with the call's ticket; rejects with the refusal (the
   * circuit's, a full bulkhead's or the queue timeout's) or, when `signal` aborts first, with its
   * reason (the call is then counted as cancelled).
   */
  async admit(circuit: Circuit, signal: AbortSignal | undefined): Promise<number> {
    if (!this.canQueue()) {
      const ticket = circuit.admit();
      if (ticket < 0) throw circuit.refusalError();
      return ticket;
    }
    // Ask the circuit first, so an open circuit refuses at once rather than after a wait.
    const ticket = circuit.admitCircuit();
    if (ticket < 0) throw circuit.refusalError();
    if (this.tryTake()) return ticket;
    // Wait without holding the circuit's permit (a half-open trial slot above all).
    circuit.abandon(ticket);
    const outcome = await this.wait(signal);
    if (outcome === 'aborted') throw cancelled(circuit, signal as AbortSignal);
    if (outcome === 'timeout') {
      circuit.refuse('bulkhead');
      throw this.queueTimeoutError();
    }
    // The slot may have been handed over in the same turn the caller aborted.
    if (signal?.aborted) {
      this.release();
      throw cancelled(circuit, signal);
    }
    let admitted: number;
    try {
      admitted = circuit.admitCircuit();
    } catch (error) {
      // The breaker's clock threw as the circuit was asked: the slot handed over goes back.
      this.release();
      throw error;
    }
    if (admitted < 0) {
      this.release();
      throw circuit.refusalError();
    }
    return admitted;
  }

  /** Takes a slot if one is free; never waits. */
  tryTake(): boolean {
    if (this.active >= this.#options.maxConcurrent) return false;
    this.active++;
    return true;
  }

  /** Whether a call that finds no free slot may wait in the queue. */
  canQueue(): boolean {
    return this.#queue.size < this.#options.maxQueue;
  }

  /**
   * Waits for a slot, and says how the wait ended; never rejects. With `'admitted'` the slot is
   * the caller's; with `'timeout'` (`queueTimeoutMs`) or `'aborted'` (`signal`) it is not.
   */
  wait(signal: AbortSignal | undefined): Promise<WaitOutcome> {
    // Already aborted — by a listener the admission ran (a stateChange listener, a throttle):
    // its abort event is over, so a waiter that listened for it would wait for a slot in vain.
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise<WaitOutcome>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        this.#queue.delete(waiter);
        waiter.end('aborted');
      };
      const waiter: Waiter = {
        end: (outcome) => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      const { queueTimeoutMs } = this.#options;
      if (queueTimeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#queue.delete(waiter);
          waiter.end('timeout');
        }, queueTimeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.add(waiter);
    });
  }

  /** Frees a slot, handing it to the first waiter if there is one. */
  release(): void {
    if (this.#queue.size === 0) {
      this.active--;
      return;
    }
    const next = this.#queue.values().next().value as Waiter;
    this.#queue.delete(next);
    next.end('admitted');
  }

  /** A call's caller stopped waiting, but its function runs on and keeps its slot. */
  linger(): void {
    this.lingering++;
  }

  /** A lingering call's function settled at last: its slot is free. */
  releaseLingering(): void {
    this.lingering--;
    this.release();
  }

  fullError(): BulkheadFullError {
    const { maxConcurrent, maxQueue } = this.#options;
    return new BulkheadFullError(this.#breakerName, 'full', maxConcurrent, maxQueue);
  }

  queueTimeoutError(): BulkheadFullError {
    const { maxConcurrent, maxQueue } = this.#options;
    return new BulkheadFullError(this.#breakerName, 'queue-timeout', maxConcurrent, maxQueue);
  }
}

/** Counts a call cancelled while it waited in the queue; returns the reason to reject with. */
function cancelled(circuit: Circuit, signal: AbortSignal): unknown {
  circuit.cancel(signal.reason, true);
  return signal.reason;
}
