import got, { type Got } from 'got';

/** The injection token of the got client that calls the upstream. */
export const upstreamClientToken: unique symbol = Symbol('nestjs-demo.upstream-client');

/**
 * A got client for the upstream. It sends `x-client: nestjs`, so the upstream counts this app's
 * requests apart, gives up after `timeoutMs`, and does not retry: the `upstream` breaker judges
 * each call as a whole, and retries would only send a failing upstream more work.
 */
export function createUpstreamGot(upstreamUrl: string, timeoutMs: number): Got {
  return got.extend({
    prefixUrl: upstreamUrl,
    headers: { 'x-client': 'nestjs' },
    timeout: { request: timeoutMs },
    retry: { limit: 0 },
  });
}
