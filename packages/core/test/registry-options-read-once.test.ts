// A registry checks its configuration when it is built, and builds breakers from it later: what
// it builds them from must be what it checked. Each option of its defaults, of each name's
// options, and of the options given to get() and keep() is read once, however a getter or a
// proxy answers the next time.
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, type RegistryBreakerOptions } from '../src/index.ts';
import { httpClientBreakers, keyedBreakers } from '../src/internal.ts';
import { ReadCounter, shifting } from './support/read-counter.ts';

describe('a registry reads its configuration once', () => {
  it('defaults and per-name options: no option read twice, however many breakers are built', () => {
    const counter = new ReadCounter();
    const registry = new BreakerRegistry(
      counter.watch(
        {
          defaults: counter.watch({ timeoutMs: 1_000, minimumCalls: 5 }, 'defaults.'),
          breakers: counter.watch(
            {
              payments: counter.watch({ openDurationMs: 2_000 }, 'breakers.payments.'),
              search: counter.watch({ halfOpenMaxCalls: 2 }, 'breakers.search.'),
            },
            'breakers.',
          ),
          maxBreakers: 10,
        },
        '',
      ),
    );
    for (const name of ['payments', 'search', 'a', 'b', 'payments']) registry.get(name);
    registry.keep('c');
    expect(counter.readTwice()).toEqual({});
  });

  it('a default that reads differently later: breakers are built with the one checked', () => {
    const defaults = shifting({} as RegistryBreakerOptions, 'timeoutMs', 1_000, -1);
    const registry = new BreakerRegistry({ defaults });
    expect(() => registry.get('a')).not.toThrow();
    expect(() => registry.get('b')).not.toThrow();
    expect(defaults.reads).toBe(1);
  });

  it("a name's options that read differently later: its breaker is built with the ones checked", () => {
    const breakers = shifting({}, 'payments', { openDurationMs: 2_000 }, 'nonsense');
    const registry = new BreakerRegistry({
      breakers: breakers as unknown as Record<string, RegistryBreakerOptions>,
    });
    expect(() => registry.get('payments')).not.toThrow();
    expect(breakers.reads).toBe(1);
  });

  it.each(['get', 'keep'] as const)('%s(name, options): no option read twice', (method) => {
    const counter = new ReadCounter();
    const registry = new BreakerRegistry();
    registry[method](
      'payments',
      counter.watch({ name: 'payments', timeoutMs: 1_000, fallback: () => 'cached' }, ''),
    );
    expect(counter.readTwice()).toEqual({});
  });

  it('get(name, options) on a full registry: no option read twice', () => {
    const counter = new ReadCounter();
    const registry = new BreakerRegistry({ maxBreakers: 1 });
    registry.get('first');
    registry.get('second', counter.watch({ timeoutMs: 1_000, minimumCalls: 5 }, ''));
    expect(counter.readTwice()).toEqual({});
  });

  it("an adapter's breaker options: no option read twice, however many keys", () => {
    const counter = new ReadCounter();
    const breakerFor = keyedBreakers({
      registry: new BreakerRegistry(),
      breaker: counter.watch({ timeoutMs: 1_000, minimumCalls: 5 }, ''),
    });
    for (const key of ['https://a.example', 'https://b.example']) breakerFor(key);
    expect(counter.readTwice()).toEqual({});
  });

  it("an HTTP client adapter's clock is read live: a wallNow gone leaves the judging on now()", () => {
    const clock: { now(): number; wallNow?: () => number } = { now: () => 7, wallNow: () => 5_000 };
    const { judgingTime } = httpClientBreakers({ clock });
    expect(judgingTime()).toBe(5_000);
    delete clock.wallNow;
    expect(judgingTime()).toBe(7);
  });
});
