// @tripswitch/got with got.extend().
// skip: node10 (got resolves only through its package exports, which node10 ignores)
import { breakerHooks, type GotFallbackResponse, isCircuitOpenError } from '@tripswitch/got';
import got from 'got';

export async function gotClient(): Promise<unknown> {
  const fallback: GotFallbackResponse = { statusCode: 200, body: '{"level":0}' };
  const inventory = got.extend(
    { prefixUrl: 'https://inventory.internal', timeout: { request: 2_000 } },
    breakerHooks({ failureRateThreshold: 50, fallback: () => fallback }),
  );
  // @ts-expect-error: got times its own requests
  breakerHooks({ timeoutMs: 1_000 });
  try {
    await inventory.get('health', { context: { breaker: false } });
    return await inventory.get('stock/42').json();
  } catch (error) {
    if (isCircuitOpenError(error)) return undefined;
    throw error;
  }
}
