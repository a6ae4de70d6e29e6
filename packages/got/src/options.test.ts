import { BreakerRegistry, InvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { breakerHooks } from './breaker-hooks.ts';
import type { GotBreakerOptions } from './options.ts';

// Bad options fail when the hooks are built, not on the first request, naming the option.
function invalid(options: unknown): InvalidOptionError {
  try {
    breakerHooks(options as GotBreakerOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected breakerHooks to throw');
}

describe('breakerHooks options', () => {
  it('accepts none, or an empty object', () => {
    expect(breakerHooks().hooks.beforeRequest).toHaveLength(1);
    expect(breakerHooks({}).handlers).toHaveLength(1);
  });

  it.each([null, 'fast', 42, [1]])('rejects %j as the options object', (options) => {
    expect(invalid(options)).toMatchObject({ option: 'options', value: options });
  });

  it('rejects a key that is not a function', () => {
    const error = invalid({ key: 'origin' });
    expect(error).toMatchObject({ option: 'key', value: 'origin' });
    expect(error.message).toContain('a function');
  });

  it('rejects an isFailure that is not a function', () => {
    expect(invalid({ isFailure: true })).toMatchObject({ option: 'isFailure', value: true });
  });

  it('passes breaker options to the core, which checks them', () => {
    expect(invalid({ failureRateThreshold: 0 })).toMatchObject({
      option: 'failureRateThreshold',
      value: 0,
    });
    expect(invalid({ window: { type: 'count', size: -1 } })).toMatchObject({
      option: 'window.size',
    });
  });

  it.each([
    ['timeoutMs', 1_000, /expected nothing here: the client times its own requests/],
    ['name', 'payments', /expected nothing here: each breaker is named by its key/],
    ['isResultFailure', () => true, /expected nothing here: a request is judged by its response/],
    ['fallback', 'cached', /expected a function \(error, request\)/],
  ])('rejects %s, with a reason of its own', (option, value, reason) => {
    const error = invalid({ [option]: value });
    expect(error).toMatchObject({ option, value });
    expect(error.message).toMatch(reason);
  });

  it('rejects a negative maxRetryAfterMs and a registry that is not one', () => {
    expect(invalid({ maxRetryAfterMs: -1 })).toMatchObject({ option: 'maxRetryAfterMs' });
    expect(invalid({ registry: {} })).toMatchObject({ option: 'registry' });
  });

  it('takes a registry', () => {
    expect(() => breakerHooks({ registry: new BreakerRegistry() })).not.toThrow();
  });
});
