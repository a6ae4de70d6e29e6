import { CircuitBreaker } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { recordFailure } from './record-failure.ts';

describe('recordFailure', () => {
  const breaker = new CircuitBreaker({
    name: 'r',
    isFailure: (error) => (error as Error).message !== 'not mine',
  });

  it('says whether the breaker counted the error, so only failures get a fallback', () => {
    expect(recordFailure(breaker, breaker.tryAcquire()!, new Error('down'), true)).toBe(true);
    expect(recordFailure(breaker, breaker.tryAcquire()!, new Error('not mine'), true)).toBe(false);
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { failures: 1, ignored: 1 } });
  });

  it('settles without reading stats when no verdict is wanted', () => {
    expect(recordFailure(breaker, breaker.tryAcquire()!, new Error('down'), false)).toBe(false);
    expect(breaker.stats().totals.failures).toBe(2);
  });
});
