import { BreakerRegistry, type InvalidOptionError, isInvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { breakerMiddleware } from './breaker-middleware.ts';
import { circuitsHealth } from './circuits-health.ts';

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
    ['options', 'not an object', 'an object of middleware and breaker options'],
    ['options', null, 'an object of middleware and breaker options'],
  ])('rejects %s = %j', (option, value, expected) => {
    const error = invalidOption(() => breakerMiddleware(value as never));
    expect(error).toMatchObject({ option, value, expected });
  });

  it.each([
    [{ nmae: 'typo' }, 'nmae', /no such option; allowed: name, key, maxKeys, registry/],
    [{ isResultFailure: () => true }, 'isResultFailure', /isFailure\(statusCode, req\)/],
    [{ timeoutMs: 1_000 }, 'timeoutMs', /cannot abort a route handler/],
    [{ fallback: () => 'cached' }, 'fallback', /onOpen/],
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
    // The core's isBreakerRegistry: a registry has every method of one, not just get and health.
    [{ registry: { get() {}, health() {} } }, 'registry', /a BreakerRegistry/],
    [{ isFailure: 500 }, 'isFailure', /a function/],
    [{ onOpen: 'sorry' }, 'onOpen', /a function/],
    [{ failureRateThreshold: 0 }, 'failureRateThreshold', /a percentage in \(0, 100\]/],
    [{ slowCallDurationMs: -1 }, 'slowCallDurationMs', /milliseconds > 0/],
    [{ window: { type: 'count', size: 0 } }, 'window.size', /an integer >= 1/],
    [{ bulkhead: { maxConcurrent: 1, maxQueue: -1 } }, 'bulkhead.maxQueue', /an integer >= 0/],
    [{ clock: {} }, 'clock', /now\(\)/],
  ])('rejects %j, naming %s', (options, option, expected) => {
    const error = invalidOption(() => breakerMiddleware(options as never));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(expected);
  });

  it('names the circuit in a bad breaker option', () => {
    const error = invalidOption(() => breakerMiddleware({ name: 'payments', minimumCalls: 0 }));
    expect(error.message).toBe(
      'Invalid option "minimumCalls" of circuit "payments": got 0; expected an integer >= 1',
    );
  });

  it('accepts every kind of option together', () => {
    expect(() =>
      breakerMiddleware({
        key: (req) => req.path,
        maxKeys: 10,
        isFailure: (status) => status >= 400,
        onOpen: (_req, res) => {
          res.sendStatus(429);
        },
        window: { type: 'time', durationMs: 10_000 },
        minimumCalls: 5,
        failureRateThreshold: 25,
        slowCallDurationMs: 2_000,
        openDurationMs: { initialMs: 500, maxMs: 10_000 },
        halfOpenMaxCalls: 1,
        bulkhead: { maxConcurrent: 10, maxQueue: 5, queueTimeoutMs: 1_000 },
        clock: { now: () => 0 },
      }),
    ).not.toThrow();
    expect(() => breakerMiddleware()).not.toThrow();
    expect(() => breakerMiddleware({ registry: new BreakerRegistry() })).not.toThrow();
  });

  it('creates its breaker in a given registry at once', () => {
    const registry = new BreakerRegistry();
    breakerMiddleware({ registry });
    breakerMiddleware({ registry, name: 'payments' });
    expect(registry.list().map((breaker) => breaker.name)).toEqual(['express', 'payments']);
  });

  it('returns a request middleware: three parameters', () => {
    expect(breakerMiddleware()).toHaveLength(3);
  });
});

describe('circuitsHealth options', () => {
  it.each([
    [null, 'options', /an object/],
    [{ degradedStatus: 199 }, 'degradedStatus', /from 200 to 599/],
    [{ degradedStatus: 600 }, 'degradedStatus', /from 200 to 599/],
    [{ degradedStatus: 503.5 }, 'degradedStatus', /from 200 to 599/],
    [{ degradedStatus: '503' }, 'degradedStatus', /from 200 to 599/],
    [{ registry: { health: 'ok' } }, 'registry', /a BreakerRegistry/],
    [{ registery: new BreakerRegistry() }, 'registery', /allowed: registry, degradedStatus/],
  ])('rejects %j, naming %s', (options, option, expected) => {
    const error = invalidOption(() => circuitsHealth(options as never));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(expected);
  });

  it('accepts a registry and any status from 200 to 599', () => {
    expect(() => circuitsHealth()).not.toThrow();
    expect(() =>
      circuitsHealth({ registry: new BreakerRegistry(), degradedStatus: 200 }),
    ).not.toThrow();
    expect(() => circuitsHealth({ degradedStatus: 599 })).not.toThrow();
  });
});
