import { BreakerRegistry, type InvalidOptionError, isInvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { breakerMiddleware } from './breaker-middleware.ts';

/** The InvalidOptionError `create` throws; fails the test when it throws nothing or another error. */
function invalidOption(create: () => unknown): InvalidOptionError {
  try {
    create();
  } catch (error) {
    if (isInvalidOptionError(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError, but nothing was thrown');
}

const key = () => 'k';

describe('breakerMiddleware options', () => {
  it.each([
    ['options', 'not an object'],
    ['options', null],
    ['options', [1]],
  ])('rejects %s = %j', (option, value) => {
    const error = invalidOption(() => breakerMiddleware(value as never));
    expect(error).toMatchObject({
      option,
      value,
      expected: 'an object of middleware and breaker options',
    });
  });

  it.each([
    [{ nmae: 'typo' }, 'nmae', /no such option; allowed: name, key, maxKeys, registry/],
    [{ isResultFailure: () => true }, 'isResultFailure', /isFailure\(status, c\)/],
    [{ timeoutMs: 1_000 }, 'timeoutMs', /cannot abort a route handler/],
    [{ fallback: () => 'cached' }, 'fallback', /onOpen\(c, error\)/],
    [{ store: {} }, 'store', /registry: new BreakerRegistry\(\{ store \}\)/],
    [{ name: '' }, 'name', /a non-empty string/],
    [{ name: 42 }, 'name', /a non-empty string/],
    [{ key: 'path' }, 'key', /a function/],
    [{ key, name: 'payments' }, 'name', /nothing alongside key/],
    [{ key, maxKeys: 0 }, 'maxKeys', /an integer >= 1/],
    [{ key, maxKeys: 2.5 }, 'maxKeys', /an integer >= 1/],
    [{ key, maxKeys: '100' }, 'maxKeys', /an integer >= 1/],
    [{ maxKeys: 100 }, 'maxKeys', /nothing without key/],
    [{ key, maxKeys: 100, registry: new BreakerRegistry() }, 'maxKeys', /maxBreakers/],
    [{ registry: {} }, 'registry', /a BreakerRegistry/],
    [{ registry: new Map() }, 'registry', /a BreakerRegistry/],
    [{ isFailure: 500 }, 'isFailure', /a function/],
    [{ onOpen: 'sorry' }, 'onOpen', /a function/],
    [{ problem: 'sorry' }, 'problem', /a function \(error, problem\) => body/],
    [{ problem: () => ({}), onOpen: () => new Response() }, 'problem', /nothing alongside onOpen/],
    [{ failureRateThreshold: 0 }, 'failureRateThreshold', /a percentage in \(0, 100\]/],
    [{ slowCallDurationMs: -1 }, 'slowCallDurationMs', /milliseconds > 0/],
    [{ window: { type: 'count', size: 0 } }, 'window.size', /an integer >= 1/],
    [{ bulkhead: { maxConcurrent: 1, maxQueue: -1 } }, 'bulkhead.maxQueue', /an integer >= 0/],
    [{ clock: {} }, 'clock', /now\(\)/],
    [{ key, minimumCalls: 0 }, 'minimumCalls', /an integer >= 1/],
  ])('rejects %j, naming %s', (options, option, expected) => {
    const error = invalidOption(() => breakerMiddleware(options as never));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(expected);
  });

  it('accepts every kind of option together', () => {
    expect(() =>
      breakerMiddleware({
        key: (c) => c.req.path,
        maxKeys: 10,
        isFailure: (status) => status >= 400,
        onOpen: (c) => c.text('busy', 429),
        window: { type: 'time', durationMs: 10_000 },
        minimumCalls: 5,
        failureRateThreshold: 25,
        consecutiveFailures: 5,
        slowCallDurationMs: 2_000,
        slowCallRateThreshold: 80,
        openDurationMs: { initialMs: 500, maxMs: 10_000 },
        halfOpenMaxCalls: 1,
        halfOpenTimeoutMs: 5_000,
        bulkhead: { maxConcurrent: 10, maxQueue: 5, queueTimeoutMs: 1_000 },
        clock: { now: () => 0 },
      }),
    ).not.toThrow();
    expect(() => breakerMiddleware()).not.toThrow();
    expect(() => breakerMiddleware({ registry: new BreakerRegistry() })).not.toThrow();
  });

  it('creates its breaker in a given registry at once, with its options', () => {
    const registry = new BreakerRegistry();
    breakerMiddleware({ registry });
    breakerMiddleware({ registry, name: 'payments', halfOpenMaxCalls: 1 });
    breakerMiddleware({ registry, key });
    expect(registry.list().map((breaker) => breaker.name)).toEqual(['hono', 'payments']);
  });

  it('returns a Hono middleware: two parameters', () => {
    expect(breakerMiddleware()).toHaveLength(2);
  });
});
