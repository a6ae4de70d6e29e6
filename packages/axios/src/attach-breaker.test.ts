import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { attachBreaker } from './attach-breaker.ts';

describe('attachBreaker options', () => {
  it.each([
    ['key', { key: 'origin' }, /Invalid option "key": got "origin"; expected a function/],
    ['isFailure', { isFailure: true }, /Invalid option "isFailure": got true; expected a function/],
    [
      'timeoutMs, which axios’s own timeout replaces',
      { timeoutMs: 1_000 },
      /"timeoutMs": got 1000; expected nothing here: the client times its own requests \(axios's timeout/,
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
    [
      'a fallback that is no function',
      { fallback: { status: 200 } },
      /"fallback": got \{"status":200\}; expected a function \(error, request\)/,
    ],
    // The core names breaker options by their path in its registry ("defaults.…").
    [
      'a typo',
      { failureRateTreshold: 50 },
      /failureRateTreshold": got 50; expected no such option/,
    ],
    ['a breaker option out of range', { failureRateThreshold: 0 }, /failureRateThreshold": got 0/],
    ['maxRetryAfterMs', { maxRetryAfterMs: -1 }, /"maxRetryAfterMs"/],
    ['maxBreakers', { maxBreakers: 0 }, /"maxBreakers"/],
    ['registry', { registry: {} }, /"registry"/],
  ])('refuses a bad %s, naming it', (_what, options, message) => {
    const api = axios.create();
    expect(() => attachBreaker(api, options as never)).toThrow(message);
    expect(() => attachBreaker(api, options as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    // Nothing was attached: a refused call leaves the instance as it was.
    expect(api.interceptors.request.handlers).toEqual([]);
  });

  it('refuses options that are not an object', () => {
    expect(() => attachBreaker(axios.create(), 'fast' as never)).toThrow(
      /Invalid option "options": got "fast"/,
    );
  });

  it.each([
    ['undefined', undefined],
    ['a plain object', { get: () => {} }],
    ['the axios module’s create function', axios.create],
  ])('refuses an instance that is %s', (_what, instance) => {
    expect(() => attachBreaker(instance as never)).toThrow(/Invalid option "instance"/);
  });

  it('accepts axios itself and an instance built with new Axios()', () => {
    const detachDefault = attachBreaker(axios);
    const detachClass = attachBreaker(new axios.Axios({}));
    expect(axios.interceptors.request.handlers?.filter(Boolean)).toHaveLength(1);
    detachDefault();
    detachClass();
    expect(axios.interceptors.request.handlers?.filter(Boolean)).toHaveLength(0);
  });
});
