// Retries compose with the breaker: retry inside, breaker outside — the breaker sees every
// attempt, and a retry loop stops at once when the circuit opens instead of retrying into it.
import pRetry, { AbortError } from 'p-retry';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError, isCircuitOpenError } from '../src/index.ts';

describe('with p-retry', () => {
  it('stops retrying the moment the circuit opens', async () => {
    const breaker = new CircuitBreaker({
      minimumCalls: 3,
      failureRateThreshold: 100,
      clock: { now: () => 0 },
    });
    let upstreamCalls = 0;
    const flaky = async () => {
      upstreamCalls++;
      throw new Error('upstream down');
    };
    const attempts: string[] = [];
    const call = pRetry(
      () =>
        breaker.execute(flaky).catch((error: unknown) => {
          // An open circuit is not worth retrying: AbortError ends p-retry's loop.
          throw isCircuitOpenError(error) ? new AbortError(error) : error;
        }),
      {
        retries: 10,
        minTimeout: 0,
        maxTimeout: 0,
        onFailedAttempt: ({ error }) => {
          attempts.push(error.message);
        },
      },
    );
    await expect(call).rejects.toBeInstanceOf(CircuitOpenError);
    expect(upstreamCalls).toBe(3);
    expect(attempts).toEqual(['upstream down', 'upstream down', 'upstream down']);
    expect(breaker.state).toBe('open');
  });

  it('lets a retry recover a transient failure, and the breaker counts each attempt', async () => {
    const breaker = new CircuitBreaker({ minimumCalls: 10 });
    let calls = 0;
    const result = await pRetry(
      () =>
        breaker.execute(async () => {
          calls++;
          if (calls < 3) throw new Error('transient');
          return 'done';
        }),
      { retries: 5, minTimeout: 0, maxTimeout: 0 },
    );
    expect(result).toBe('done');
    expect(breaker.stats()).toMatchObject({ calls: 3, failures: 2, state: 'closed' });
  });
});
