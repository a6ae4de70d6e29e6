/**
 * Where the scenario gets its time from. The demo passes {@link realTiming}; a test passes a
 * clock and sleep driven by fake timers, so the same scenario runs in an instant.
 */
export interface Timing {
  /** The current time in milliseconds. Only differences are used, so any origin will do. */
  now(): number;
  /** Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Sleeps on the global `setTimeout`. The breaker's `timeoutMs` runs on that same timer, so
 * whatever drives one (the event loop, or fake timers in a test) drives the other.
 */
export function sleepOnTimers(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Wall-clock time: the monotonic `performance.now()` and real timers. */
export const realTiming: Timing = {
  now: () => performance.now(),
  sleep: sleepOnTimers,
};
