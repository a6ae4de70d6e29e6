// Waiting for what happens, with a generous upper bound, rather than sleeping.

import type { BreakerEvents, CircuitBreaker } from '@tripswitch/core';
import { vi } from 'vitest';
import type { RedisBreakerStore, RedisStoreEvents } from '../../src/index.ts';

/** Resolves on the first `stateChange` of `breaker` that `accept` takes, with when it came. */
export function nextStateChange(
  breaker: CircuitBreaker,
  accept: (change: BreakerEvents['stateChange']) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<BreakerEvents['stateChange'] & { at: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`circuit "${breaker.name}" did not change state within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = breaker.on('stateChange', (change) => {
      if (!accept(change)) return;
      clearTimeout(timer);
      off();
      resolve({ ...change, at: performance.now() });
    });
  });
}

/** Resolves on the next `event` of `store`. */
export function nextStoreEvent<K extends keyof RedisStoreEvents>(
  store: RedisBreakerStore,
  event: K,
  timeoutMs = 60_000,
): Promise<RedisStoreEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the store emitted no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = store.on(event, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/**
 * Retries `check` until it passes: `vi.waitFor` with a bound long enough that a busy machine
 * does not fail a test (vitest's default, one second, would be a race against the clock).
 */
export function until<T>(
  check: () => T | Promise<T>,
  options: { timeout?: number; interval?: number } = {},
): Promise<T> {
  return vi.waitFor(check, { timeout: 60_000, interval: 20, ...options });
}
