// @tripswitch/core and its entries, as a user and an adapter's author write against them.
import {
  adaptiveThrottling,
  BreakerRegistry,
  type BreakerSnapshot,
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  type CircuitState,
  exponentialBackoff,
  failureRateRule,
  isCircuitOpenError,
  type Permit,
  type TripCounts,
  type TripRule,
  validateBreakerOptions,
} from '@tripswitch/core';
import {
  defaultMaxRetryAfterMs,
  type HttpVerdict,
  judgeAndSettle,
  judgeHttpCall,
  originOf,
  type RefusalProblem,
  refusalResponse,
} from '@tripswitch/core/http';
import { findRefusal, isThenable } from '@tripswitch/core/internal';

export async function engine(load: (signal: AbortSignal) => Promise<number>): Promise<void> {
  const inventory = new CircuitBreaker({
    name: 'inventory',
    timeoutMs: 2_000,
    openDurationMs: exponentialBackoff({ initialMs: 1_000, maxMs: 30_000 }),
  });
  const off: () => void = inventory.on('stateChange', ({ from, to }) => {
    const states: [CircuitState, CircuitState] = [from, to];
    void states;
  });
  off();
  const level: number = await inventory.execute(load);
  const cached: number | 'cached' = await new CircuitBreaker({
    fallback: () => 'cached' as const,
  }).execute(load);
  const wrapped: (sku: string) => Promise<string> = inventory.wrap((sku: string) => sku);
  void [level, cached, wrapped];

  const permit: Permit | null = inventory.tryAcquire();
  const counted: boolean | undefined = permit?.failure(new Error('boom'), { retryAfterMs: 5_000 });
  void counted;

  const threeFailures: TripRule = {
    name: 'three-failures',
    shouldOpen: (counts: TripCounts) => counts.failures >= 3,
  };
  const ruled = new CircuitBreaker({
    rules: [failureRateRule({ threshold: 25 }), threeFailures, adaptiveThrottling({ k: 1.15 })],
  });
  void ruled;

  const loaded: unknown = JSON.parse('{"minimumCalls": 5}');
  validateBreakerOptions(loaded);
  const options: CircuitBreakerOptions<unknown> | undefined = loaded;
  const snapshot: BreakerSnapshot = new CircuitBreaker(options).toJSON();
  void snapshot;

  const registry = new BreakerRegistry({
    defaults: { failureRateThreshold: 50 },
    maxBreakers: 100,
  });
  const payments: CircuitBreaker<never> = registry.get('payments');
  void payments;
  try {
    await registry.get('search').execute(load);
  } catch (error) {
    if (isCircuitOpenError(error)) {
      const retryAfterMs: number | undefined = error.retryAfterMs;
      void retryAfterMs;
    }
  }

  // @ts-expect-error: not an option
  new CircuitBreaker({ failureThreshold: 5 });
  // @ts-expect-error: a count window has no duration
  new CircuitBreaker({ window: { type: 'count', durationMs: 5 } });
}

export function http(permit: Permit, response: Response): string {
  const verdict: HttpVerdict = judgeHttpCall(
    { status: response.status, retryAfter: response.headers.get('retry-after') },
    { now: Date.now(), maxRetryAfterMs: defaultMaxRetryAfterMs },
  );
  judgeAndSettle(permit, () => ({ verdict, error: new Error(`HTTP ${response.status}`) }));
  const refusal = new CircuitOpenError('payments', 'open', 1_500);
  const answer = refusalResponse(refusal, {
    problem: (error, problem: RefusalProblem) => ({ ...problem, breaker: error.breakerName }),
  });
  const status: 503 = answer.status;
  void status;
  // @ts-expect-error: a verdict is success, failure or ignore
  judgeAndSettle(permit, () => ({ verdict: { kind: 'maybe' }, error: undefined }));
  return originOf(new URL('https://inventory.internal:443/stock'));
}

export function internal(error: unknown, value: unknown): boolean {
  const refusal = findRefusal(error);
  return refusal?.code === 'ERR_CIRCUIT_OPEN' || isThenable(value);
}
