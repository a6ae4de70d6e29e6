import { Agent } from 'node:http';
import type { CircuitBreaker } from '@tripswitch/core';
import got16, { type ExtendOptions, type Got } from 'got';
import got15 from 'got15';
import { expect, onTestFinished } from 'vitest';
import { BreakerRegistry, breakerHooks, type GotBreakerOptions } from '../../src/index.ts';

/**
 * The got majors the adapter supports, for `describe.each`. got 15 is typed as got 16: the tests
 * use only what both have, and the type tests check the hooks against got 15's own types.
 */
export const gots: ReadonlyArray<{ name: string; got: Got }> = [
  { name: 'got 16', got: got16 },
  { name: 'got 15', got: got15 as unknown as Got },
];

/** A got client with breakers, a registry to look at them, and a clock to drive. */
export interface Client {
  readonly got: Got;
  readonly registry: BreakerRegistry;
  /** The time the breakers read, in milliseconds; set it to move time. */
  now: number;
  /** The breaker `key` (an origin by default) has, which must exist already. */
  breaker(key: string): CircuitBreaker<unknown>;
}

/**
 * Extends `base` with `defaults` (retries off unless they say otherwise), then with the breaker
 * hooks, on a registry of the test's own and a clock it drives. Its connections are its own, kept
 * alive as Node's global agent keeps them, and destroyed when the test finishes: in the global
 * agent they would outlive the test, and once its upstream closed, the client reads that close
 * only some turns of the event loop later; a next test's upstream on the same port (the system
 * hands a closed port out again now and then) would get its first request on that dead socket.
 */
export function client(
  base: Got,
  options: GotBreakerOptions = {},
  defaults: ExtendOptions = {},
): Client {
  const registry = options.registry ?? new BreakerRegistry();
  const state = {
    registry,
    now: 0,
    breaker(key: string) {
      expect(registry.has(key), `a breaker for ${key}`).toBe(true);
      return registry.get(key);
    },
  };
  const hooks = breakerHooks({ clock: { now: () => state.now }, ...options, registry });
  const agent = new Agent({ keepAlive: true });
  onTestFinished(() => agent.destroy());
  return Object.assign(state, {
    got: base.extend({ retry: { limit: 0 }, agent: { http: agent }, ...defaults }, hooks),
  });
}

/** Retries `limit` times, 1 ms apart, so a test waits on nothing but the upstream. */
export function quickRetries(limit: number): NonNullable<ExtendOptions['retry']> {
  return { limit, calculateDelay: ({ computedValue }) => (computedValue > 0 ? 1 : 0) };
}

/** What a request rejected with; fails the test if it resolved. */
export async function rejection(request: PromiseLike<unknown>): Promise<unknown> {
  try {
    await request;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to reject');
}

export { until } from '@tripswitch/test-upstream';
