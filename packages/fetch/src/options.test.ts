import { BreakerRegistry, InvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { breakerInterceptor } from './undici/breaker-interceptor.ts';
import { withBreaker } from './with-breaker.ts';

// Both entry points check their options when they are built, not on the first call, naming the
// option; the breaker options are the core's to check.
const builders = [
  { name: 'withBreaker', build: (options: unknown) => withBreaker(fetch, options as never) },
  { name: 'breakerInterceptor', build: (options: unknown) => breakerInterceptor(options as never) },
];

function invalid(build: (options: unknown) => unknown, options: unknown): InvalidOptionError {
  try {
    build(options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected the options to be refused');
}

describe.each(builders)('$name options', ({ build }) => {
  it('accepts none, an empty object, and a registry', () => {
    expect(() => build(undefined)).not.toThrow();
    expect(() => build({})).not.toThrow();
    expect(() =>
      build({ registry: new BreakerRegistry(), failureRateThreshold: 50 }),
    ).not.toThrow();
  });

  it.each([null, 'fast', 42, [1]])('refuses %j as the options object', (options) => {
    expect(invalid(build, options)).toMatchObject({ option: 'options', value: options });
  });

  it.each([
    ['key', { key: 'origin' }, /Invalid option "key": got "origin"; expected a function/],
    ['isFailure', { isFailure: true }, /Invalid option "isFailure": got true; expected a function/],
    [
      'timeoutMs, which the caller’s own deadline replaces',
      { timeoutMs: 1_000 },
      /"timeoutMs": got 1000; expected nothing here: the client times its own requests \(.*a fetch signal such as AbortSignal.timeout\(ms\), undici's headersTimeout\)/,
    ],
    [
      'name, which the key gives',
      { name: 'api' },
      /"name": got "api"; expected nothing here: each breaker is named by its key/,
    ],
    [
      'isResultFailure, which isFailure replaces',
      { isResultFailure: () => true },
      /"isResultFailure": got a function; expected nothing here: a request is judged by its response/,
    ],
    ['a fallback that is no function', { fallback: 1 }, /"fallback": got 1; expected a function/],
    [
      'a typo',
      { failureRateTreshold: 50 },
      /failureRateTreshold": got 50; expected no such option/,
    ],
    ['a breaker option out of range', { failureRateThreshold: 0 }, /failureRateThreshold": got 0/],
    ['a window option out of range', { window: { type: 'count', size: -1 } }, /"window.size"/],
    ['maxRetryAfterMs', { maxRetryAfterMs: -1 }, /"maxRetryAfterMs"/],
    ['maxBreakers', { maxBreakers: 0 }, /"maxBreakers"/],
    ['registry', { registry: {} }, /"registry"/],
    [
      'maxBreakers beside a registry',
      { registry: new BreakerRegistry(), maxBreakers: 5 },
      /"maxBreakers"/,
    ],
  ])('refuses a bad %s, naming it', (_what, options, message) => {
    expect(invalid(build, options).message).toMatch(message);
  });
});

describe('withBreaker', () => {
  it.each([undefined, null, 'fetch', { fetch }])('refuses %j as the fetch to wrap', (value) => {
    expect(invalid((options) => withBreaker(value as never, options as never), {})).toMatchObject({
      option: 'fetch',
    });
  });
});
