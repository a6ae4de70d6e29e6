import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../circuit-breaker.ts';
import type { Permit } from '../permit.ts';
import { judgeAndSettle, settlePermit } from './judge-and-settle.ts';

describe('settlePermit', () => {
  it('settles a permit as the verdict says, holding the circuit open for Retry-After', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ minimumCalls: 1, clock: { now: () => now } });
    settlePermit(breaker.tryAcquire()!, { kind: 'success' }, undefined);
    settlePermit(breaker.tryAcquire()!, { kind: 'ignore' }, undefined);
    expect(breaker.stats().totals).toMatchObject({ successes: 1, ignored: 1 });
    settlePermit(
      breaker.tryAcquire()!,
      { kind: 'failure', retryAfterMs: 45_000 },
      new Error('503'),
    );
    expect(breaker.state).toBe('open');
    now = 44_999;
    expect(breaker.tryAcquire()).toBeNull();
  });
});

describe('judgeAndSettle', () => {
  /** A permit that records how it was settled. */
  function recordingPermit() {
    const settled: Array<[string, unknown?]> = [];
    const permit: Permit = {
      success: () => settled.push(['success']),
      failure: (error) => settled.push(['failure', error]) > 0,
      ignore: () => settled.push(['ignore']),
    };
    return { permit, settled };
  }

  it('settles the permit with the judgement', () => {
    const breaker = new CircuitBreaker({ minimumCalls: 1 });
    const error = new Error('HTTP 502');
    const failures: unknown[] = [];
    breaker.on('failure', (event) => failures.push(event.error));
    judgeAndSettle(breaker.tryAcquire()!, () => ({
      verdict: { kind: 'failure', retryAfterMs: undefined },
      error,
    }));
    expect(breaker.stats()).toMatchObject({ inFlight: 0, state: 'open' });
    expect(failures).toEqual([error]);
  });

  it('counts a failure with the call’s own error when judging throws, and says so', () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { permit, settled } = recordingPermit();
    const callError = new Error('ECONNRESET');
    judgeAndSettle(
      permit,
      () => {
        throw new Error('clock broke');
      },
      callError,
    );
    expect(settled).toEqual([['failure', callError]]);
    expect(report).toHaveBeenCalledOnce();
    expect(report.mock.calls[0]?.[1]).toMatchObject({ message: 'clock broke' });
  });

  it('records what judging threw when the call itself did not fail', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { permit, settled } = recordingPermit();
    const bug = new TypeError('headers.get is not a function');
    judgeAndSettle(permit, () => {
      throw bug;
    });
    expect(settled).toEqual([['failure', bug]]);
  });

  it('throws nothing when settling throws, and settles only once', () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    let calls = 0;
    const permit: Permit = {
      success: () => {
        calls++;
        throw new Error('listener of a copy that does not guard them');
      },
      failure: () => {
        calls++;
        return true;
      },
      ignore: () => {
        calls++;
      },
    };
    expect(() =>
      judgeAndSettle(permit, () => ({ verdict: { kind: 'success' }, error: undefined })),
    ).not.toThrow();
    expect(calls).toBe(1);
    expect(report).toHaveBeenCalledOnce();
  });

  it('frees a half-open trial when judging throws: the next trial is not refused as full', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let now = 0;
    const breaker = new CircuitBreaker({
      consecutiveFailures: 1,
      halfOpenMaxCalls: 1,
      openDurationMs: 1_000,
      clock: { now: () => now },
    });
    breaker.tryAcquire()!.failure(new Error('down'));
    now = 1_000;
    const trial = breaker.tryAcquire()!;
    expect(breaker.state).toBe('half-open');
    judgeAndSettle(trial, () => {
      throw new Error('isFailure bug');
    });
    expect(breaker.stats()).toMatchObject({ state: 'open', inFlight: 0 });
    now = 10_000;
    expect(breaker.tryAcquire()).not.toBeNull();
  });
});
