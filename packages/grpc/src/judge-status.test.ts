import type { Metadata, StatusObject } from '@grpc/grpc-js';
import { CircuitBreaker } from '@tripswitch/core';
import { describe, expect, it, vi } from 'vitest';
import { judgeStatus, pushbackOf, settleByStatus } from './judge-status.ts';

// A stand-in for grpc-js's Metadata: the judge only reads values with get().
function metadata(values: Record<string, string[]> = {}): Metadata {
  return { get: (key: string) => values[key] ?? [] } as unknown as Metadata;
}

function status(code: number, trailers: Record<string, string[]> = {}): StatusObject {
  return { code, details: `status ${code}`, metadata: metadata(trailers) };
}

const rule = { isFailure: undefined, maxPushbackMs: 600_000 };

describe('judgeStatus', () => {
  it.each([0, 3, 5, 6, 7, 9, 10, 11, 12, 16])('code %i is an answer: a success', (code) => {
    expect(judgeStatus(status(code), rule)).toEqual({ kind: 'success' });
  });

  it.each([1, 2, 4, 8, 13, 14, 15, 17, -1, 2.5, Number.NaN])('code %s is a failure', (code) => {
    expect(judgeStatus(status(code), rule)).toEqual({ kind: 'failure', pushbackMs: undefined });
  });

  it('takes the pushback of a failure, capped', () => {
    const pushback = { 'grpc-retry-pushback-ms': ['2500', '9000'] };
    expect(judgeStatus(status(14, pushback), rule)).toEqual({ kind: 'failure', pushbackMs: 2_500 });
    expect(judgeStatus(status(14, pushback), { ...rule, maxPushbackMs: 1_000 })).toEqual({
      kind: 'failure',
      pushbackMs: 1_000,
    });
  });

  it('lets isFailure replace the rule, for every status', () => {
    const everything = { ...rule, isFailure: () => true };
    expect(judgeStatus(status(0), everything).kind).toBe('failure');
    const nothing = { ...rule, isFailure: () => false };
    expect(judgeStatus(status(14), nothing).kind).toBe('success');
    const truthy = { ...rule, isFailure: () => 'yes' as unknown as boolean };
    expect(judgeStatus(status(0), truthy).kind).toBe('failure');
  });

  it('counts a failure, and says so, when isFailure throws', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bug = new Error('predicate bug');
    const throwing = {
      ...rule,
      isFailure: () => {
        throw bug;
      },
    };
    expect(judgeStatus(status(0), throwing).kind).toBe('failure');
    expect(log).toHaveBeenCalledWith(
      '[tripswitch] isFailure threw; the gRPC call counts as a failure',
      bug,
    );
  });
});

describe('pushbackOf', () => {
  it.each([
    [['0'], 0],
    [['1500'], 1_500],
    [['99999999999999999999999'], 600_000],
  ])('reads %j as %i', (values, ms) => {
    expect(pushbackOf(metadata({ 'grpc-retry-pushback-ms': values }), 600_000)).toBe(ms);
  });

  it.each([[[]], [['-1']], [['1.5']], [['']], [[' 1']], [['1e3']], [['abc']]])(
    'reads %j as nothing',
    (values) => {
      expect(pushbackOf(metadata({ 'grpc-retry-pushback-ms': values }), 600_000)).toBeUndefined();
    },
  );

  it('reads no metadata as nothing', () => {
    expect(pushbackOf(undefined, 600_000)).toBeUndefined();
    expect(pushbackOf(null, 600_000)).toBeUndefined();
  });
});

describe('settleByStatus', () => {
  it('settles the permit once as the status says, with the status as the failure’s cause', () => {
    const breaker = new CircuitBreaker({ minimumCalls: 100 });
    const failures: unknown[] = [];
    breaker.on('failure', ({ error }) => failures.push(error));
    settleByStatus(breaker.tryAcquire()!, status(0), rule);
    const failing = status(14);
    settleByStatus(breaker.tryAcquire()!, failing, rule);
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { successes: 1, failures: 1 } });
    expect(failures[0]).toBeInstanceOf(Error);
    expect(failures[0]).toMatchObject({
      message: 'gRPC status 14 UNAVAILABLE: status 14',
      cause: failing,
    });
  });

  it('settles the permit as a failure whatever a hostile status throws', () => {
    const breaker = new CircuitBreaker({ minimumCalls: 100 });
    const hostile = {
      code: 14,
      details: 'x',
      get metadata(): Metadata {
        throw new Error('hostile metadata');
      },
    } as StatusObject;
    settleByStatus(breaker.tryAcquire()!, hostile, rule);
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('holds the circuit open for the pushback', () => {
    let now = 0;
    const breaker = new CircuitBreaker({
      minimumCalls: 1,
      openDurationMs: 1_000,
      clock: { now: () => now },
    });
    settleByStatus(breaker.tryAcquire()!, status(14, { 'grpc-retry-pushback-ms': ['8000'] }), rule);
    now = 7_999;
    expect(breaker.tryAcquire()).toBeNull();
    now = 8_000;
    expect(breaker.tryAcquire()).not.toBeNull();
  });
});

describe('settleByStatus, with details that cannot be made a string', () => {
  const unprintable: Array<[string, () => StatusObject]> = [
    ['an object without toString', () => ({ ...status(14), details: Object.create(null) })],
    ['a symbol', () => ({ ...status(14), details: Symbol('details') as unknown as string })],
    [
      'a getter that throws',
      () =>
        Object.defineProperty(status(14), 'details', {
          get() {
            throw new Error('hostile details');
          },
        }),
    ],
  ];

  it.each(unprintable)('(%s) still settles the failure, without throwing', (_what, make) => {
    const breaker = new CircuitBreaker({ minimumCalls: 100 });
    const failures: unknown[] = [];
    breaker.on('failure', ({ error }) => failures.push(error));
    expect(() => settleByStatus(breaker.tryAcquire()!, make(), rule)).not.toThrow();
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    expect(failures[0]).toBeInstanceOf(Error);
  });
});
