import type { CircuitBreaker } from '@tripswitch/core';
import * as undici8 from 'undici';
import * as undici7 from 'undici7';
import { expect, onTestFinished } from 'vitest';
import { BreakerRegistry, type FetchBreakerOptions, withBreaker } from '../../src/index.ts';
import { breakerInterceptor, type UndiciBreakerOptions } from '../../src/undici/index.ts';

/** Breakers kept in a registry the test can look into, on a clock it drives. */
export interface Breakers {
  readonly registry: BreakerRegistry;
  /** The time the breakers read, in milliseconds; set it to move time. */
  now: number;
  /** The breaker `key` (an origin by default) has, which must exist already. */
  breaker(key: string): CircuitBreaker<unknown>;
}

function breakers(registry: BreakerRegistry | undefined): Breakers {
  const own = registry ?? new BreakerRegistry();
  return {
    registry: own,
    now: 0,
    breaker(key) {
      expect(own.has(key), `a breaker for ${key}`).toBe(true);
      return own.get(key);
    },
  };
}

/** `withBreaker(fetch)` with its breakers. */
export interface FetchClient extends Breakers {
  readonly fetch: typeof globalThis.fetch;
}

/** Wraps `base` (Node's global fetch by default) in breakers, on a registry and clock of the test's. */
export function client(
  options: FetchBreakerOptions = {},
  base: typeof globalThis.fetch = globalThis.fetch,
): FetchClient {
  const state = breakers(options.registry);
  const fetch = withBreaker(base, {
    clock: { now: () => state.now },
    ...options,
    registry: state.registry,
  });
  return Object.assign(state, { fetch });
}

/** The undici majors the interceptor supports, for `describe.each`; undici 7 typed as undici 8. */
export const undicis: ReadonlyArray<{ name: string; undici: typeof undici8 }> = [
  { name: 'undici 8', undici: undici8 },
  { name: 'undici 7', undici: undici7 as unknown as typeof undici8 },
];

/** A dispatcher composed with the breaker interceptor, and three ways to send through it. */
export interface UndiciClient extends Breakers {
  readonly dispatcher: undici8.Dispatcher;
  /** undici's own `fetch`, given the dispatcher. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /**
   * Node.js's global `fetch`, given the dispatcher. Node's bundled undici speaks the handler API
   * of undici 7, so an undici 8 dispatcher goes in undici 8's `Dispatcher1Wrapper`, as undici 8
   * documents.
   */
  globalFetch(url: string, init?: RequestInit): Promise<Response>;
  /** `undici.request()`, given the dispatcher. */
  request(
    url: string,
    options?: Partial<undici8.Dispatcher.RequestOptions>,
  ): ReturnType<typeof undici8.request>;
}

/**
 * An `Agent` of `undici` composed with `breakerInterceptor()` — between `inner` interceptors
 * (closer to the agent) and `outer` ones (which requests meet first) — destroyed when the test
 * finishes.
 */
export function undiciClient(
  undici: typeof undici8,
  options: UndiciBreakerOptions = {},
  around: {
    inner?: undici8.Dispatcher.DispatcherComposeInterceptor[];
    outer?: undici8.Dispatcher.DispatcherComposeInterceptor[];
  } = {},
): UndiciClient {
  const state = breakers(options.registry);
  const interceptor = breakerInterceptor({
    clock: { now: () => state.now },
    ...options,
    registry: state.registry,
  });
  const agent = new undici.Agent();
  const dispatcher = agent.compose(...(around.inner ?? []), interceptor, ...(around.outer ?? []));
  onTestFinished(() => agent.destroy());
  const forGlobalFetch =
    'Dispatcher1Wrapper' in undici ? new undici.Dispatcher1Wrapper(dispatcher) : dispatcher;
  return Object.assign(state, {
    dispatcher,
    fetch: (url: string, init: RequestInit = {}) =>
      undici.fetch(url, { ...init, dispatcher } as never) as unknown as Promise<Response>,
    globalFetch: (url: string, init: RequestInit = {}) =>
      globalThis.fetch(url, { ...init, dispatcher: forGlobalFetch } as unknown as RequestInit),
    request: (url: string, request: Partial<undici8.Dispatcher.RequestOptions> = {}) =>
      undici.request(url, { ...request, dispatcher } as never),
  });
}

/** What a call rejected with; fails the test if it resolved. */
export async function rejection(call: PromiseLike<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

export { deadline, until } from '@tripswitch/test-upstream';
