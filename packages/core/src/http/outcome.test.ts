import { once } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { abortedByDeadline, isFailureStatus, judgeHttpCall, parseRetryAfter } from './outcome.ts';

const options = { now: Date.parse('2026-11-23T12:00:00Z'), maxRetryAfterMs: 600_000 };

describe('isFailureStatus', () => {
  it.each([500, 502, 503, 504, 599, 429])('%i is a failure', (status) => {
    expect(isFailureStatus(status)).toBe(true);
  });
  it.each([200, 204, 301, 304, 400, 401, 403, 404, 409, 422, 499])('%i is not', (status) => {
    expect(isFailureStatus(status)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', options.now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', options.now)).toBe(0);
  });
  it('reads an HTTP-date relative to now, and 0 for one already past', () => {
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', options.now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', options.now)).toBe(0);
  });
  it.each([undefined, null, '', 'soon', '-5', '1.5', '12abc'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, options.now)).toBeUndefined();
  });
});

describe('judgeHttpCall', () => {
  it('ignores a cancelled call, whatever else is known', () => {
    expect(judgeHttpCall({ cancelled: true, status: 500, error: new Error('x') }, options)).toEqual(
      {
        kind: 'ignore',
      },
    );
  });
  it('fails a call with no response: network error or timeout', () => {
    expect(judgeHttpCall({ error: new Error('ECONNREFUSED') }, options)).toEqual({
      kind: 'failure',
      retryAfterMs: undefined,
    });
  });
  it('judges a response by its status', () => {
    expect(judgeHttpCall({ status: 404 }, options)).toEqual({ kind: 'success' });
    expect(judgeHttpCall({ status: 500, retryAfter: '60' }, options)).toEqual({
      kind: 'failure',
      retryAfterMs: undefined, // only 429 and 503 ask to be left alone
    });
  });
  it('carries the Retry-After of a 429 or 503, capped', () => {
    expect(judgeHttpCall({ status: 503, retryAfter: '30' }, options)).toEqual({
      kind: 'failure',
      retryAfterMs: 30_000,
    });
    expect(judgeHttpCall({ status: 429, retryAfter: '86400' }, options)).toEqual({
      kind: 'failure',
      retryAfterMs: 600_000,
    });
  });
  it('reads a clock given as a function only when a 429 or 503 asks to wait', () => {
    const now = vi.fn(() => Date.parse('2026-01-01T00:00:00Z'));
    const lazily = { now, maxRetryAfterMs: 600_000 };
    expect(judgeHttpCall({ status: 200 }, lazily)).toEqual({ kind: 'success' });
    expect(judgeHttpCall({ status: 500, retryAfter: '60' }, lazily).kind).toBe('failure');
    expect(judgeHttpCall({ error: new Error('reset') }, lazily).kind).toBe('failure');
    expect(now).not.toHaveBeenCalled();
    expect(
      judgeHttpCall({ status: 503, retryAfter: 'Thu, 01 Jan 2026 00:00:30 GMT' }, lazily),
    ).toEqual({ kind: 'failure', retryAfterMs: 30_000 });
    expect(now).toHaveBeenCalledTimes(1);
  });
  it('lets isFailure replace the status rule, but not cancellation', () => {
    const isFailure = ({ status }: { status?: number | undefined }) => status === 404;
    expect(judgeHttpCall({ status: 404 }, { ...options, isFailure })).toMatchObject({
      kind: 'failure',
    });
    expect(judgeHttpCall({ status: 500 }, { ...options, isFailure })).toEqual({ kind: 'success' });
    expect(judgeHttpCall({ status: 404, cancelled: true }, { ...options, isFailure })).toEqual({
      kind: 'ignore',
    });
  });
  it('counts a failure, and reports, when isFailure throws', () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const isFailure = () => {
      throw new Error('predicate bug');
    };
    expect(judgeHttpCall({ status: 200 }, { ...options, isFailure })).toMatchObject({
      kind: 'failure',
    });
    expect(report).toHaveBeenCalledOnce();
  });
  it('reports an isFailure that answers a promise, naming the mistake', () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const isFailure = (async () => false) as unknown as () => boolean;
    expect(judgeHttpCall({ status: 200 }, { ...options, isFailure })).toMatchObject({
      kind: 'failure',
    });
    expect(String(report.mock.calls[0]?.[1])).toMatch(/isFailure returned a promise/);
  });
});

describe('abortedByDeadline', () => {
  it('tells a deadline from a cancellation', () => {
    const cancelled = new AbortController();
    cancelled.abort();
    const deadline = new AbortController();
    deadline.abort(new DOMException('The operation timed out', 'TimeoutError'));
    expect(abortedByDeadline(deadline.signal)).toBe(true);
    expect(abortedByDeadline(cancelled.signal)).toBe(false);
    expect(abortedByDeadline(new AbortController().signal)).toBe(false);
    expect(abortedByDeadline(undefined)).toBe(false);
  });

  // The adapters' tests abort with AbortSignal.timeout()'s reason once the upstream has the
  // request, rather than racing a real timer against the socket; this ties that reason to Node's.
  it('recognises a real AbortSignal.timeout() once it has fired', async () => {
    const signal = AbortSignal.timeout(1);
    expect(abortedByDeadline(signal)).toBe(false);
    await once(signal, 'abort');
    expect(abortedByDeadline(signal)).toBe(true);
  });
});
