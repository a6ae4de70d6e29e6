// Waiting for what happens rather than sleeping. The event waits have no bound of their own: on a
// busy machine a restarted Redis can take long to come back, and the test's own limit
// (`hangLimits` in vitest.shared.ts) is what catches a hang.

import type { BreakerEvents, CircuitBreaker } from '@tripswitch/core';
import { vi } from 'vitest';
import type { RedisBreakerStore, RedisStoreEvents } from '../../src/index.ts';

/** Resolves on the first `stateChange` of `breaker` that `accept` takes, with when it came. */
export function nextStateChange(
  breaker: CircuitBreaker,
  accept: (change: BreakerEvents['stateChange']) => boolean = () => true,
): Promise<BreakerEvents['stateChange'] & { at: number }> {
  return new Promise((resolve) => {
    const off = breaker.on('stateChange', (change) => {
      if (!accept(change)) return;
      off();
      resolve({ ...change, at: performance.now() });
    });
  });
}

/** Resolves on the next `event` of `store`. */
export function nextStoreEvent<K extends keyof RedisStoreEvents>(
  store: RedisBreakerStore,
  event: K,
): Promise<RedisStoreEvents[K]> {
  return new Promise((resolve) => {
    const off = store.on(event, (payload) => {
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
