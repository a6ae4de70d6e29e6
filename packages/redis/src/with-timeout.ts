/** @internal The error a command that took too long rejects with. */
export class StoreTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`Redis did not answer ${what} within ${timeoutMs} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * @internal `promise`, or a rejection after `timeoutMs`: the store's own bound on every wait,
 * whatever the client's settings. The timer does not keep the process alive, and a late
 * rejection of `promise` is absorbed.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // A timer that fires late, after the event loop was blocked, runs before the loop reads the
    // sockets: the reply may be waiting there. One more turn (setImmediate runs after I/O) lets it
    // in, so that a busy process does not take itself for an unavailable Redis.
    const timer = setTimeout(
      () => setImmediate(() => reject(new StoreTimeoutError(what, timeoutMs))),
      timeoutMs,
    );
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
