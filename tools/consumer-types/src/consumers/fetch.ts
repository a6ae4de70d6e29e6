// @tripswitch/fetch: withBreaker(fetch), and the undici interceptor.
import { isCircuitOpenError, withBreaker } from '@tripswitch/fetch';
import { breakerInterceptor, type FallbackResponse } from '@tripswitch/fetch/undici';
import { Agent, interceptors, fetch as undiciFetch } from 'undici';

export async function fetchClient(): Promise<number | undefined> {
  const fetch: typeof globalThis.fetch = withBreaker(globalThis.fetch, {
    failureRateThreshold: 50,
    key: (request) => new URL(request.url).host,
  });
  // @ts-expect-error: not a fetch function
  withBreaker('https://inventory.internal');
  try {
    await fetch('https://inventory.internal/health', { breaker: false });
    return (await fetch('https://inventory.internal/stock/42')).status;
  } catch (error) {
    if (isCircuitOpenError(error)) return undefined;
    throw error;
  }
}

export async function undiciClient(): Promise<number> {
  const kept: FallbackResponse = { statusCode: 200, body: '{}' };
  const dispatcher = new Agent().compose(
    breakerInterceptor({
      failureRateThreshold: 50,
      isFailure: ({ response }) => response === undefined || response.statusCode >= 500,
      fallback: () => kept,
    }),
    interceptors.retry(),
  );
  return (await undiciFetch('https://inventory.internal/stock/42', { dispatcher })).status;
}
