import { BulkheadFullError } from './errors.ts';
import type { Settings } from './options.ts';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  cleanup(): void;
}

/**
 * @internal Counts running calls against `maxConcurrent` and queues callers that may wait. A
 * freed slot passes straight to the longest waiter, so a queued call cannot be overtaken.
 */
export class Bulkhead {
  active = 0;
  readonly #options: NonNullable<Settings['bulkhead']>;
  readonly #breakerName: string;
  readonly #queue: Waiter[] = [];

  constructor(options: NonNullable<Settings['bulkhead']>, breakerName: string) {
    this.#options = options;
    this.#breakerName = breakerName;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Takes a slot if one is free; never waits. */
  tryTake(): boolean {
    if (this.active >= this.#options.maxConcurrent) return false;
    this.active++;
    return true;
  }

  /** Whether a call that finds no free slot may wait in the queue. */
  canQueue(): boolean {
    return this.#queue.length < this.#options.maxQueue;
  }

  /** Waits for a slot; rejects on queue timeout or when `signal` aborts. */
  wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        this.#remove(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const { queueTimeoutMs, maxConcurrent, maxQueue } = this.#options;
      if (queueTimeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#remove(waiter);
          reject(
            new BulkheadFullError(this.#breakerName, 'queue-timeout', maxConcurrent, maxQueue),
          );
        }, queueTimeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** Frees a slot, handing it to the first waiter if there is one. */
  release(): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.active--;
      return;
    }
    next.cleanup();
    next.resolve();
  }

  fullError(): BulkheadFullError {
    const { maxConcurrent, maxQueue } = this.#options;
    return new BulkheadFullError(this.#breakerName, 'full', maxConcurrent, maxQueue);
  }

  #remove(waiter: Waiter): void {
    waiter.cleanup();
    const index = this.#queue.indexOf(waiter);
    if (index !== -1) this.#queue.splice(index, 1);
  }
}
