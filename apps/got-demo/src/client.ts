import type { BreakerRegistry } from '@tripswitch/core';
import { breakerHooks } from '@tripswitch/got';
import got, { type Got } from 'got';

/** Options of {@link createUpstreamClient}. */
export interface UpstreamClientOptions {
  /** The upstream's base URL. */
  upstreamUrl: string;
  /** Keep the breaker here, to watch it or share it. @defaultValue a registry of its own */
  registry?: BreakerRegistry;
  /** Whether to put the calls through a breaker; `false` gives the unprotected baseline. */
  breaker?: boolean;
  /** The `x-client` header, so the upstream counts this client's requests apart. */
  name?: string;
  /**
   * How long a request may take before got gives up on it (each attempt, retry included).
   * @defaultValue 1_000
   */
  timeoutMs?: number;
}

/**
 * A got client for the upstream: a 1 s timeout (`timeoutMs`), one quick retry, and — unless
 * `breaker` is false — `@tripswitch/got`'s hooks, which put every attempt through the upstream
 * origin's breaker.
 *
 * @example
 * ```ts
 * const client = createUpstreamClient({ upstreamUrl: 'http://127.0.0.1:4000' });
 * const item = await client.get('items/42').json();
 * ```
 */
export function createUpstreamClient(options: UpstreamClientOptions): Got {
  const {
    upstreamUrl,
    registry,
    breaker = true,
    name = breaker ? 'got' : 'got-baseline',
    timeoutMs = 1_000,
  } = options;
  const base = got.extend({
    prefixUrl: upstreamUrl,
    headers: { 'x-client': name },
    timeout: { request: timeoutMs },
    // One quick retry: got's default waits a second or more before it.
    retry: { limit: 1, methods: ['GET'], backoffLimit: 50, noise: 0 },
  });
  if (!breaker) return base;
  return base.extend(
    breakerHooks({
      ...(registry === undefined ? {} : { registry }),
      window: { type: 'count', size: 10 },
      minimumCalls: 5,
    }),
  );
}
