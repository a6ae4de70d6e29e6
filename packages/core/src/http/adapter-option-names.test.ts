import { describe, expect, it } from 'vitest';
import { optionNamesChecker } from './adapter-option-names.ts';

const breakerOptions =
  'window, minimumCalls, failureRateThreshold, consecutiveFailures, slowCallDurationMs, slowCallRateThreshold, rules, openDurationMs, halfOpenMaxCalls, halfOpenTimeoutMs, bulkhead, clock, initialState';

describe('optionNamesChecker', () => {
  const check = optionNamesChecker({
    own: ['name', 'key'],
    meaningless: { timeoutMs: 'nothing here: time the call yourself' },
  });

  it('accepts the own options and every breaker option an adapter passes on', () => {
    expect(() => check({ name: 'a', key: () => 'k', window: {}, initialState: {} })).not.toThrow();
  });

  it('refuses a meaningless option with its reason', () => {
    expect(() => check({ timeoutMs: 5 })).toThrow(
      expect.objectContaining({
        option: 'timeoutMs',
        expected: 'nothing here: time the call yourself',
      }),
    );
  });

  it('refuses a store, saying to give it to a registry', () => {
    expect(() => check({ store: {} })).toThrow(
      expect.objectContaining({
        option: 'store',
        expected: expect.stringContaining('registry: new BreakerRegistry({ store })'),
      }),
    );
  });

  it('refuses an unknown option, listing the own options then the breaker options', () => {
    expect(() => check({ nmae: 'a' }, 'config.breaker.')).toThrow(
      expect.objectContaining({
        option: 'config.breaker.nmae',
        expected: `no such option; allowed: name, key, ${breakerOptions}`,
      }),
    );
  });

  it('lists the options taken out before the check first, and refuses them here', () => {
    const client = optionNamesChecker({ own: [], takenOut: ['key'], meaningless: {} });
    expect(() => client({ key: () => 'k' })).toThrow(
      expect.objectContaining({
        option: 'key',
        expected: `no such option; allowed: key, ${breakerOptions}`,
      }),
    );
  });
});
