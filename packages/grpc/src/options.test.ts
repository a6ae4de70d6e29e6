import { BreakerRegistry, InvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { breakerInterceptor } from './breaker-interceptor.ts';

// Options are checked when the interceptor is made, not on the first call, and a bad one is named
// with what is allowed instead.
function invalid(options: unknown): InvalidOptionError {
  try {
    breakerInterceptor(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected the options to be refused');
}

describe('breakerInterceptor options', () => {
  it('accepts none, an empty object, every breaker option and its own', () => {
    expect(() => breakerInterceptor()).not.toThrow();
    expect(() => breakerInterceptor({})).not.toThrow();
    expect(() =>
      breakerInterceptor({
        key: (path) => path,
        maxKeys: 50,
        isFailure: (status) => status.code !== 0,
        maxPushbackMs: 0,
        window: { type: 'time', durationMs: 10_000 },
        minimumCalls: 5,
        failureRateThreshold: 25,
        consecutiveFailures: 3,
        slowCallDurationMs: 1_000,
        slowCallRateThreshold: 80,
        openDurationMs: { initialMs: 500, maxMs: 10_000 },
        halfOpenMaxCalls: 2,
        halfOpenTimeoutMs: 5_000,
        bulkhead: { maxConcurrent: 10, maxQueue: 0 },
        clock: { now: () => 0 },
      }),
    ).not.toThrow();
    expect(() => breakerInterceptor({ registry: new BreakerRegistry() })).not.toThrow();
  });

  it.each([null, 'fast', 42, [1]])('refuses %j as the options object', (options) => {
    expect(invalid(options)).toMatchObject({ option: 'options', value: options });
  });

  it.each([
    ['timeoutMs', { timeoutMs: 1_000 }, /"timeoutMs".*give each call a deadline/],
    [
      'isResultFailure',
      { isResultFailure: () => true },
      /"isResultFailure".*use isFailure\(status\)/,
    ],
    ['fallback', { fallback: () => 1 }, /"fallback".*handle the UNAVAILABLE status/],
    ['name', { name: 'inventory' }, /"name".*named by its key/],
    ['store', { store: {} }, /"store".*new BreakerRegistry\(\{ store \}\)/],
    ['maxBreakers', { maxBreakers: 10 }, /"maxBreakers".*maxKeys/],
    ['maxRetryAfterMs', { maxRetryAfterMs: 10 }, /"maxRetryAfterMs".*maxPushbackMs/],
    [
      'a bulkhead queue',
      { bulkhead: { maxConcurrent: 1, maxQueue: 5 } },
      /"bulkhead.maxQueue": got 5; expected 0 or nothing: a gRPC call never waits/,
    ],
    [
      'a bulkhead queue timeout',
      { bulkhead: { maxConcurrent: 1, queueTimeoutMs: 100 } },
      /"bulkhead.queueTimeoutMs"/,
    ],
  ])('refuses %s, which means nothing for a gRPC client, saying why', (_what, options, message) => {
    expect(invalid(options).message).toMatch(message);
  });

  it.each([
    ['key', { key: '/shop.Inventory' }, /"key": got "\/shop.Inventory"; expected a function/],
    ['isFailure', { isFailure: 14 }, /"isFailure": got 14; expected a function from a status/],
    ['maxPushbackMs', { maxPushbackMs: -1 }, /"maxPushbackMs": got -1/],
    ['maxPushbackMs', { maxPushbackMs: Number.POSITIVE_INFINITY }, /"maxPushbackMs": got Infinity/],
    ['maxKeys', { maxKeys: 0 }, /"maxKeys": got 0; expected an integer >= 1/],
    ['maxKeys', { maxKeys: 2.5 }, /"maxKeys": got 2.5/],
    ['maxKeys', { maxKeys: 5, registry: new BreakerRegistry() }, /"maxKeys".*alongside registry/],
    ['registry', { registry: {} }, /"registry"/],
    [
      'a typo',
      { failureRateTreshold: 50 },
      /"failureRateTreshold": got 50; expected no such option; allowed: key, maxKeys/,
    ],
    ['a breaker option out of range', { failureRateThreshold: 0 }, /"failureRateThreshold": got 0/],
    ['a window option out of range', { window: { type: 'count', size: -1 } }, /"window.size"/],
    ['a bulkhead without maxConcurrent', { bulkhead: {} }, /"bulkhead.maxConcurrent"/],
  ])('refuses a bad %s, naming it', (_what, options, message) => {
    expect(invalid(options).message).toMatch(message);
  });
});
