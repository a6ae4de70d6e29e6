import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.ts';
import { BreakerRegistry } from '../registry.ts';
import { keyedBreakers, originOf } from './keys.ts';

describe('originOf', () => {
  it.each([
    ['https://api.example.com/v1/users?id=1', 'https://api.example.com'],
    ['https://api.example.com:443/x', 'https://api.example.com'],
    ['http://api.example.com:80/x', 'http://api.example.com'],
    ['http://127.0.0.1:8080/health', 'http://127.0.0.1:8080'],
    ['HTTP://API.Example.COM/', 'http://api.example.com'],
    ['http://[::1]:3000/', 'http://[::1]:3000'],
  ])('%s → %s', (url, origin) => {
    expect(originOf(url)).toBe(origin);
    expect(originOf(new URL(url))).toBe(origin);
  });
});

describe('keyedBreakers', () => {
  it('keeps one breaker per key, with the given options', () => {
    const breakerFor = keyedBreakers({ breaker: { halfOpenMaxCalls: 1 } });
    expect(breakerFor('a')).toBe(breakerFor('a'));
    expect(breakerFor('a')).not.toBe(breakerFor('b'));
    expect(breakerFor('a').name).toBe('a');
  });

  it('bounds its own registry', () => {
    const breakerFor = keyedBreakers({ breaker: {}, maxBreakers: 2 });
    const first = breakerFor('1');
    breakerFor('2');
    breakerFor('3');
    expect(breakerFor('1')).not.toBe(first);
  });

  it('shares a given registry', () => {
    const registry = new BreakerRegistry();
    const breakerFor = keyedBreakers({ registry, breaker: { minimumCalls: 3 } });
    expect(breakerFor('https://a.example')).toBe(registry.get('https://a.example'));
  });

  it('checks the breaker options and the registry at once', () => {
    expect(() => keyedBreakers({ breaker: { minimumCalls: 0 } })).toThrow(InvalidOptionError);
    expect(() => keyedBreakers({ breaker: {}, registry: {} as BreakerRegistry })).toThrow(
      /Invalid option "registry"/,
    );
  });
});

describe('keyedBreakers, misuse', () => {
  it('names a bad breaker option as the user wrote it', () => {
    expect(() => keyedBreakers({ breaker: { failureRateThreshold: 0 } })).toThrow(
      /^Invalid option "failureRateThreshold"/,
    );
  });

  it('refuses a Map, or maxBreakers beside a registry that has its own bound', () => {
    expect(() => keyedBreakers({ breaker: {}, registry: new Map() as never })).toThrow(
      /Invalid option "registry"/,
    );
    expect(() =>
      keyedBreakers({ breaker: {}, registry: new BreakerRegistry(), maxBreakers: 5 }),
    ).toThrow(/Invalid option "maxBreakers"/);
  });
});
