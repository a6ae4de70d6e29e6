import { describe, expect, it, vi } from 'vitest';
import { BulkheadFullError, CircuitOpenError, InvalidOptionError } from '../errors.ts';
import { checkRefusalProblem, type RefusalProblem, refusalResponse } from './refusal.ts';

// What an HTTP client's breaker is named: the origin it calls, which the public must not learn.
const internal = 'http://inventory.internal:8080';

describe('refusalResponse', () => {
  it('answers an open circuit with 503, Retry-After in whole seconds rounded up, and problem+json', () => {
    const response = refusalResponse(new CircuitOpenError(internal, 'open', 1_200));
    expect(response).toEqual({
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '2' },
      body: {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'A circuit breaker refused the call; retry in 2 s',
        code: 'ERR_CIRCUIT_OPEN',
        retryAfterMs: 1_200,
      },
    });
  });

  it.each([
    new CircuitOpenError(internal, 'open', 1_200),
    new CircuitOpenError(internal, 'half-open-full'),
    new CircuitOpenError(internal, 'forced-open'),
    new BulkheadFullError(internal, 'full', 4, 0),
  ])('names no breaker by default: $reason', (error) => {
    const { body, headers } = refusalResponse(error);
    expect(JSON.stringify(body)).not.toContain('inventory');
    expect(JSON.stringify(headers)).not.toContain('inventory');
    expect(body).not.toHaveProperty('breaker');
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
    expect(bulkhead.body).toMatchObject({
      code: 'ERR_BULKHEAD_FULL',
      detail: 'Too many calls are in progress; retry in 1 s',
    });
  });

  it('leaves Retry-After out when the circuit was forced open', () => {
    const response = refusalResponse(new CircuitOpenError('a', 'forced-open'));
    expect(response.headers).toEqual({ 'content-type': 'application/problem+json' });
    expect(response.body).not.toHaveProperty('retryAfterMs');
    expect(response.body).toMatchObject({
      detail: 'A circuit breaker refused the call: it is held open',
    });
  });
});

describe('refusalResponse with a problem function', () => {
  it('puts the name back when asked to', () => {
    const error = new CircuitOpenError(internal, 'open', 5_000);
    const { body } = refusalResponse(error, {
      problem: (refusal, problem) => ({ ...problem, breaker: refusal.breakerName }),
    });
    expect(body).toMatchObject({
      breaker: internal,
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 5_000,
    });
  });

  it('sends whatever body it writes, with the status and headers unchanged', () => {
    const seen: Array<[unknown, RefusalProblem]> = [];
    const error = new CircuitOpenError('a', 'open', 3_000);
    const response = refusalResponse(error, {
      problem: (refusal, problem) => {
        seen.push([refusal, problem]);
        return { message: 'Come back soon' };
      },
    });
    expect(response).toEqual({
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '3' },
      body: { message: 'Come back soon' },
    });
    expect(seen).toEqual([[error, refusalResponse(error).body]]);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('bug');
      },
    ],
    ['returns a string', () => 'busy'],
    ['returns null', () => null],
    ['returns an array', () => ['busy']],
  ])('sends the default body, and says so, when it %s', (_what, problem) => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = new CircuitOpenError(internal, 'open', 1_000);
    const response = refusalResponse(error, { problem: problem as never });
    expect(response).toEqual(refusalResponse(error));
    expect(report).toHaveBeenCalledOnce();
  });

  it('cannot change the default body it falls back to', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = new CircuitOpenError(internal, 'open', 1_000);
    const response = refusalResponse(error, {
      problem: (refusal, problem) => {
        problem.breaker = refusal.breakerName;
        throw new Error('bug after the change');
      },
    });
    expect(response.body).not.toHaveProperty('breaker');
  });
});

describe('checkRefusalProblem', () => {
  it('accepts a function or nothing, and names the option otherwise', () => {
    const problem = () => ({});
    expect(checkRefusalProblem(problem)).toBe(problem);
    expect(checkRefusalProblem(undefined)).toBeUndefined();
    expect(() => checkRefusalProblem('named')).toThrow(InvalidOptionError);
    expect(() => checkRefusalProblem({ breaker: true })).toThrow(/Invalid option "problem"/);
  });
});
