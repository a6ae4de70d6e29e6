import { describe, expect, it } from 'vitest';
import { BreakerRegistry } from '../registry.ts';
import { httpClientBreakers } from './client-breakers.ts';

describe('httpClientBreakers', () => {
  it('gives one breaker per key with the shared breaker options', () => {
    const breakers = httpClientBreakers({ halfOpenMaxCalls: 1 });
    expect(breakers.breakerFor('https://a.example')).toBe(breakers.breakerFor('https://a.example'));
    expect(breakers.maxRetryAfterMs).toBe(600_000);
  });

  it('reads time from the breakers’ clock', () => {
    const breakers = httpClientBreakers({ clock: { now: () => 42 } });
    expect(breakers.judgingTime()).toBe(42);
  });

  it('without a clock, judges lazily at Date.now()', () => {
    const lazy = httpClientBreakers().judgingTime();
    expect(typeof lazy).toBe('function');
    const before = Date.now();
    expect((lazy as () => number)()).toBeGreaterThanOrEqual(before);
  });

  it('uses a shared registry', () => {
    const registry = new BreakerRegistry();
    const breakers = httpClientBreakers({ registry });
    expect(breakers.breakerFor('k')).toBe(registry.get('k'));
  });

  // Each refused option says why, and what to do instead: no message about timeouts for a name.
  it.each([
    [
      'name',
      'api',
      'Invalid option "name": got "api"; expected nothing here: each breaker is named by its key, the origin it calls by default; give key to name the breakers yourself',
    ],
    [
      'timeoutMs',
      1_000,
      "Invalid option \"timeoutMs\": got 1000; expected nothing here: the client times its own requests (axios's timeout, got's timeout, a fetch signal such as AbortSignal.timeout(ms), undici's headersTimeout), and a request that times out counts as a failure",
    ],
    [
      'isResultFailure',
      () => true,
      'Invalid option "isResultFailure": got a function; expected nothing here: a request is judged by its response; the adapter\'s isFailure({ response, error }) replaces the rule',
    ],
    [
      'isFailure',
      () => true,
      'Invalid option "isFailure": got a function; expected nothing here: isFailure is the adapter\'s own option, asked about { response, error } (splitClientOptions takes it out)',
    ],
    [
      'fallback',
      () => 'cached',
      'Invalid option "fallback": got a function; expected nothing here: fallback is the adapter\'s own option, answering a refused request with the client\'s response (splitClientOptions takes it out)',
    ],
    [
      'store',
      { bind: () => {} },
      'Invalid option "store": got {}; expected nothing here: give the store to a registry, and the registry to the adapter: registry: new BreakerRegistry({ store })',
    ],
  ])('refuses %s with a reason of its own', (option, value, message) => {
    expect(() => httpClientBreakers({ [option]: value } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', option, message }),
    );
  });

  it('refuses an unknown option, listing what a client adapter takes — not name or timeoutMs', () => {
    expect(() => httpClientBreakers({ maxKeys: 5 } as never)).toThrow(
      'Invalid option "maxKeys": got 5; expected no such option; allowed: key, isFailure, fallback, registry, maxBreakers, maxRetryAfterMs, window, minimumCalls, failureRateThreshold, consecutiveFailures, slowCallDurationMs, slowCallRateThreshold, rules, openDurationMs, halfOpenMaxCalls, halfOpenTimeoutMs, bulkhead, clock, initialState',
    );
  });

  it('checks maxRetryAfterMs and the breaker options', () => {
    expect(() => httpClientBreakers({ maxRetryAfterMs: -1 })).toThrow(/maxRetryAfterMs/);
    expect(() => httpClientBreakers({ failureRateThreshold: 0 })).toThrow(/failureRateThreshold/);
  });
});
