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
    expect(breakers.now()).toBe(42);
  });

  it('uses a shared registry', () => {
    const registry = new BreakerRegistry();
    const breakers = httpClientBreakers({ registry });
    expect(breakers.breakerFor('k')).toBe(registry.get('k'));
  });

  it.each(['isFailure', 'isResultFailure', 'timeoutMs', 'name', 'fallback'])(
    'refuses %s, which means nothing to a client adapter',
    (key) => {
      expect(() => httpClientBreakers({ [key]: 1 } as never)).toThrow(
        new RegExp(`Invalid option "${key}"`),
      );
    },
  );

  it('checks maxRetryAfterMs and the breaker options', () => {
    expect(() => httpClientBreakers({ maxRetryAfterMs: -1 })).toThrow(/maxRetryAfterMs/);
    expect(() => httpClientBreakers({ failureRateThreshold: 0 })).toThrow(/failureRateThreshold/);
  });
});
