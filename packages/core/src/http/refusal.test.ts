import { describe, expect, it } from 'vitest';
import { BulkheadFullError, CircuitOpenError } from '../errors.ts';
import { refusalResponse } from './refusal.ts';

describe('refusalResponse', () => {
  it('answers an open circuit with 503, Retry-After in whole seconds rounded up, and problem+json', () => {
    const response = refusalResponse(new CircuitOpenError('payments', 'open', 1_200));
    expect(response).toEqual({
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '2' },
      body: {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'Circuit "payments" is open; it lets a trial call through in 1200 ms',
        code: 'ERR_CIRCUIT_OPEN',
        breaker: 'payments',
        retryAfterMs: 1_200,
      },
    });
  });

  it('never sends Retry-After: 0', () => {
    expect(refusalResponse(new CircuitOpenError('a', 'open', 0)).headers['retry-after']).toBe('1');
  });

  it('asks to retry soon when half-open trials or a bulkhead are full', () => {
    expect(
      refusalResponse(new CircuitOpenError('a', 'half-open-full')).headers['retry-after'],
    ).toBe('1');
    const bulkhead = refusalResponse(new BulkheadFullError('a', 'full', 4, 0));
    expect(bulkhead.headers['retry-after']).toBe('1');
    expect(bulkhead.body.code).toBe('ERR_BULKHEAD_FULL');
  });

  it('leaves Retry-After out when the circuit was forced open', () => {
    const response = refusalResponse(new CircuitOpenError('a', 'forced-open'));
    expect(response.headers).toEqual({ 'content-type': 'application/problem+json' });
    expect(response.body).not.toHaveProperty('retryAfterMs');
  });
});
