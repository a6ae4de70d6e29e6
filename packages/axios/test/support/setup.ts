import { Agent } from 'node:http';
import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';
import { expect, onTestFinished } from 'vitest';
import { type AxiosBreakerOptions, attachBreaker, BreakerRegistry } from '../../src/index.ts';

/** An axios instance with breakers attached, a registry to look at them, and a clock to drive. */
export interface Client {
  readonly api: AxiosInstance;
  readonly registry: BreakerRegistry;
  /** The time the breakers read, in milliseconds; set it to move time. */
  now: number;
  /** The breaker `key` (an origin by default) has, which must exist already. */
  breaker(key: string): ReturnType<BreakerRegistry['get']>;
  detach(): void;
}

/**
 * A keep-alive agent, as Node's global one is, for this test alone: destroyed when it finishes.
 * axios's http adapter sends through http.globalAgent by default, which keeps connections per
 * host and port from one test to the next. A test's upstream closes its connections when the
 * test finishes, but within the I/O callback that ended the test, so the next test (one
 * setImmediate later) starts before the agent has read that close; should its upstream get the
 * same port, its first request would go out on the dead connection and fail with ECONNRESET.
 */
export function testAgent(): Agent {
  const agent = new Agent({ keepAlive: true });
  onTestFinished(() => agent.destroy());
  return agent;
}

/**
 * Attaches breakers to a new axios instance, sending through its own {@link testAgent} unless
 * `defaults` name another; detached when the test finishes.
 */
export function client(
  options: AxiosBreakerOptions = {},
  defaults: CreateAxiosDefaults = {},
): Client {
  const registry = options.registry ?? new BreakerRegistry();
  const api = axios.create({ httpAgent: testAgent(), ...defaults });
  const state: Client = {
    api,
    registry,
    now: 0,
    breaker(key) {
      expect(registry.has(key), `a breaker for ${key}`).toBe(true);
      return registry.get(key);
    },
    detach: () => {},
  };
  state.detach = attachBreaker(api, { clock: { now: () => state.now }, ...options, registry });
  onTestFinished(() => state.detach());
  return state;
}

/** What a request rejected with; fails the test if it resolved. */
export async function rejection(request: Promise<unknown>): Promise<unknown> {
  try {
    await request;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to reject');
}
