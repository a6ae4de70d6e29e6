import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';
import { InvalidOptionError } from './errors.ts';
import type { BreakerEvents } from './events.ts';
import type { Permit } from './permit.ts';
import { BreakerRegistry, type BreakerRegistryOptions } from './registry.ts';

let now = 0;
const clock = { now: () => now };

function newRegistry(options: BreakerRegistryOptions = {}): BreakerRegistry {
  return new BreakerRegistry({ ...options, defaults: { clock, ...options.defaults } });
}

/** The error `new BreakerRegistry(options)` throws, or a failed expectation when it throws none. */
function constructionError(options: unknown): InvalidOptionError {
  try {
    new BreakerRegistry(options as BreakerRegistryOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  return expect.fail('new BreakerRegistry() did not throw');
}

/** Records `n` outcomes on `breaker` through permits. */
function record(breaker: CircuitBreaker<unknown>, n: number, outcome: 'success' | 'failure') {
  for (let i = 0; i < n; i++) {
    const permit = breaker.tryAcquire() as Permit;
    if (outcome === 'success') permit.success();
    else permit.failure(new Error('boom'));
  }
}

/** How many failures in a row open a closed breaker (read through its behaviour). */
function tripsAfter(breaker: CircuitBreaker<unknown>): number {
  let failures = 0;
  while (breaker.state === 'closed' && failures < 1_000) {
    record(breaker, 1, 'failure');
    failures++;
  }
  return failures;
}

describe('get', () => {
  it('creates a breaker on first use and returns the same one afterwards', () => {
    const registry = newRegistry();
    const first = registry.get('payments');
    expect(first).toBeInstanceOf(CircuitBreaker);
    expect(first.name).toBe('payments');
    expect(registry.get('payments')).toBe(first);
    expect(registry.size).toBe(1);
    expect(registry.get('inventory')).not.toBe(first);
    expect(registry.size).toBe(2);
  });

  it('builds breakers from the defaults', () => {
    const registry = newRegistry({ defaults: { consecutiveFailures: 2 } });
    expect(tripsAfter(registry.get('a'))).toBe(2);
  });

  it('merges per-name options over the defaults', () => {
    const registry = newRegistry({
      defaults: { consecutiveFailures: 2, openDurationMs: 5_000 },
      breakers: { payments: { consecutiveFailures: 4 } },
    });
    const payments = registry.get('payments');
    expect(tripsAfter(payments)).toBe(4);
    expect(payments.stats().retryAfterMs).toBe(5_000); // openDurationMs from the defaults
    expect(tripsAfter(registry.get('other'))).toBe(2);
  });

  it('replaces a default object option whole rather than merging its fields', () => {
    const registry = newRegistry({
      defaults: { bulkhead: { maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 100 } },
      breakers: { payments: { bulkhead: { maxConcurrent: 2 } } },
    });
    const payments = registry.get('payments');
    payments.tryAcquire();
    payments.tryAcquire();
    expect(payments.tryAcquire()).toBeNull();
    // maxQueue is 0, not the default's 5: the per-name bulkhead replaced the whole object.
    expect(payments.openError()).toMatchObject({ maxConcurrent: 2, maxQueue: 0 });
  });

  it('replaces a default window whole, so a time window does not inherit a count size', () => {
    const registry = newRegistry({
      defaults: { window: { type: 'count', size: 5 }, minimumCalls: 1_000 },
      breakers: { search: { window: { type: 'time', durationMs: 1_000 } } },
    });
    expect(() => registry.get('search')).not.toThrow();
    record(registry.get('search'), 50, 'success');
    expect(registry.get('search').stats().calls).toBe(50); // no count window of 5
  });

  it('applies options given to get() over the per-name options when it creates the breaker', async () => {
    const registry = newRegistry({
      defaults: { consecutiveFailures: 2 },
      breakers: { payments: { consecutiveFailures: 4 } },
    });
    const fallback = vi.fn(() => 'cached');
    const payments = registry.get('payments', { consecutiveFailures: 3, fallback });
    expect(tripsAfter(payments)).toBe(3);
    await expect(payments.execute(() => 'live')).resolves.toBe('cached');
  });

  it('does not apply options given to get() for a breaker that already exists', () => {
    const registry = newRegistry({ defaults: { consecutiveFailures: 2 } });
    const first = registry.get('a');
    const again = registry.get('a', { consecutiveFailures: 10 });
    expect(again).toBe(first);
    expect(tripsAfter(again)).toBe(2);
  });

  it('accepts options whose name matches and rejects a mismatch', () => {
    const registry = newRegistry();
    expect(registry.get('a', { name: 'a' }).name).toBe('a');
    let caught: unknown;
    try {
      registry.get('b', { name: 'c' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect(caught).toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'name', value: 'c' });
    expect((caught as Error).message).toContain('the registry name "b" or nothing');
    expect(registry.has('b')).toBe(false);
  });

  it.each([
    ['an empty string', ''],
    ['a number', 42],
    ['undefined', undefined],
  ])('rejects a name that is %s', (_label, name) => {
    const registry = newRegistry();
    expect(() => registry.get(name as string)).toThrow(InvalidOptionError);
    expect(registry.size).toBe(0);
  });

  it('rejects bad options given to get() and creates nothing', () => {
    const registry = newRegistry();
    expect(() => registry.get('a', { minimumCalls: 0 })).toThrow(InvalidOptionError);
    expect(registry.has('a')).toBe(false);
  });

  it('does not confuse a breaker name with an Object.prototype property', () => {
    const registry = newRegistry({ defaults: { consecutiveFailures: 2 } });
    expect(tripsAfter(registry.get('constructor'))).toBe(2);
    expect(tripsAfter(registry.get('__proto__'))).toBe(2);
    expect(registry.has('toString')).toBe(false);
  });
});

describe('configuration is checked when the registry is built', () => {
  it('a typo in breakers.payments throws an InvalidOptionError naming it and the breaker', () => {
    const error = constructionError({ breakers: { payments: { failureRateTreshold: 25 } } });
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.option).toBe('breakers.payments.failureRateTreshold');
    expect(error.message).toContain('"breakers.payments.failureRateTreshold"');
    expect(error.message).toContain('no such option');
  });

  it('a bad value in breakers.payments throws, naming the option, value and breaker', () => {
    const error = constructionError({
      breakers: { payments: { window: { type: 'count', size: 0 } } },
    });
    expect(error.option).toBe('breakers.payments.window.size');
    expect(error.message).toBe(
      'Invalid option "breakers.payments.window.size": got 0; expected an integer >= 1',
    );
  });

  it('a bad default throws', () => {
    const error = constructionError({ defaults: { timeoutMs: -1 } });
    expect(error.option).toBe('defaults.timeoutMs');
    expect(error.value).toBe(-1);
    expect(error.message).not.toContain('circuit "default"');
  });

  it.each(['name', 'fallback'] as const)('defaults.%s is refused', (key) => {
    const value = key === 'name' ? 'shared' : () => 'x';
    const error = constructionError({ defaults: { [key]: value } });
    expect(error.option).toBe(`defaults.${key}`);
    expect(error.expected).toMatch(/name from the registry, and a fallback from get\(\)/);
  });

  it.each(['name', 'fallback'] as const)('breakers.<name>.%s is refused too', (key) => {
    const value = key === 'name' ? 'other' : () => 'x';
    expect(constructionError({ breakers: { payments: { [key]: value } } }).option).toBe(
      `breakers.payments.${key}`,
    );
  });

  it('a registry given something other than an object throws an InvalidOptionError', () => {
    expect(constructionError(null).option).toBe('options');
  });

  it('an unknown registry option throws, listing the allowed ones', () => {
    const error = constructionError({ maxBreaker: 10 });
    expect(error.option).toBe('maxBreaker');
    expect(error.value).toBe(10);
    expect(error.message).toContain('allowed: defaults, breakers, maxBreakers');
  });

  it.each([
    ['0', 0],
    ['negative', -5],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '10'],
  ])('maxBreakers that is %s throws', (_label, maxBreakers) => {
    const error = constructionError({ maxBreakers });
    expect(error.option).toBe('maxBreakers');
    expect(error.expected).toBe('an integer >= 1');
  });

  it.each([
    ['null', null],
    ['a string', 'payments'],
  ])('breakers that is %s throws', (_label, breakers) => {
    expect(constructionError({ breakers }).option).toBe('breakers');
  });

  it.each([
    ['null', null],
    ['a number', 5],
  ])('defaults that is %s throws an InvalidOptionError naming "defaults"', (_label, defaults) => {
    const error = constructionError({ defaults });
    expect(error.option).toBe('defaults');
  });

  it('a per-name entry that is not an object throws rather than being ignored', () => {
    const error = constructionError({ breakers: { payments: 5 } });
    expect(error.option).toBe('breakers.payments');
  });
});

describe('list, stats, health', () => {
  it('list() returns every breaker and stats() their stats', () => {
    const registry = newRegistry();
    const a = registry.get('a');
    const b = registry.get('b');
    record(a, 3, 'success');
    expect(registry.list()).toEqual([a, b]);
    expect(registry.stats().map(({ name, calls }) => ({ name, calls }))).toEqual([
      { name: 'a', calls: 3 },
      { name: 'b', calls: 0 },
    ]);
  });

  it('is "ok" with no breaker, and when every breaker is closed or disabled', () => {
    const registry = newRegistry();
    expect(registry.health()).toEqual({ status: 'ok', breakers: [] });
    registry.get('a');
    registry.get('b').disable();
    expect(registry.health().status).toBe('ok');
  });

  it.each([
    ['open', (b: CircuitBreaker<unknown>) => record(b, 1, 'failure')],
    ['forced-open', (b: CircuitBreaker<unknown>) => b.isolate()],
    [
      'half-open',
      (b: CircuitBreaker<unknown>) => {
        record(b, 1, 'failure');
        now += 60_000;
        b.tryAcquire();
      },
    ],
  ])('is "degraded" when any breaker is %s', (state, makeState) => {
    const registry = newRegistry({ defaults: { consecutiveFailures: 1 } });
    registry.get('fine');
    const sick = registry.get('sick');
    makeState(sick);
    expect(sick.state).toBe(state);
    expect(registry.health().status).toBe('degraded');
  });

  it('reports each breaker’s name, state, rates, calls and rejections', () => {
    const registry = newRegistry({
      defaults: { minimumCalls: 4, failureRateThreshold: 50, slowCallDurationMs: 100 },
    });
    const a = registry.get('a');
    (a.tryAcquire() as Permit).success(150);
    record(a, 1, 'success');
    record(a, 2, 'failure'); // 4 calls, 2 failures: opens
    a.tryAcquire();
    a.tryAcquire();
    registry.get('b');
    expect(registry.health()).toEqual({
      status: 'degraded',
      breakers: [
        { name: 'a', state: 'open', failureRate: 50, slowCallRate: 25, calls: 4, rejected: 2 },
        { name: 'b', state: 'closed', failureRate: 0, slowCallRate: 0, calls: 0, rejected: 0 },
      ],
    });
  });
});

describe('has, delete, size', () => {
  it('tracks the breakers present', () => {
    const registry = newRegistry();
    expect(registry.has('a')).toBe(false);
    registry.get('a');
    registry.get('b');
    expect(registry.has('a')).toBe(true);
    expect(registry.size).toBe(2);
    expect(registry.delete('a')).toBe(true);
    expect(registry.delete('a')).toBe(false);
    expect(registry.delete('never')).toBe(false);
    expect(registry.has('a')).toBe(false);
    expect(registry.size).toBe(1);
  });

  it('get() after delete() creates a fresh breaker', () => {
    const registry = newRegistry({ defaults: { consecutiveFailures: 1 } });
    const old = registry.get('a');
    old.isolate();
    registry.delete('a');
    const fresh = registry.get('a');
    expect(fresh).not.toBe(old);
    expect(fresh.state).toBe('closed');
  });
});

describe('on', () => {
  it('receives events of existing breakers and of those created later', () => {
    const registry = newRegistry();
    const existing = registry.get('existing');
    const events: Array<BreakerEvents['success']> = [];
    registry.on('success', (event) => events.push(event));
    const later = registry.get('later');
    record(existing, 1, 'success');
    record(later, 1, 'success');
    expect(events).toEqual([
      { name: 'existing', durationMs: 0 },
      { name: 'later', durationMs: 0 },
    ]);
  });

  it('unsubscribes from every breaker, including those created after subscribing', () => {
    const registry = newRegistry();
    const a = registry.get('a');
    const listener = vi.fn();
    const off = registry.on('success', listener);
    const b = registry.get('b');
    off();
    record(a, 1, 'success');
    record(b, 1, 'success');
    record(registry.get('c'), 1, 'success');
    expect(listener).not.toHaveBeenCalled();
  });

  it('a deleted breaker no longer delivers to registry listeners', () => {
    const registry = newRegistry();
    const a = registry.get('a');
    const listener = vi.fn();
    registry.on('success', listener);
    registry.delete('a');
    record(a, 1, 'success');
    expect(listener).not.toHaveBeenCalled();
  });

  it('unsubscribing from the registry leaves the breaker’s own listeners alone', () => {
    const registry = newRegistry();
    const a = registry.get('a');
    const own = vi.fn();
    a.on('success', own);
    const off = registry.on('success', vi.fn());
    off();
    record(a, 1, 'success');
    expect(own).toHaveBeenCalledTimes(1);
  });

  it('unsubscribing from the registry leaves a direct subscription of the same function alone', () => {
    const registry = newRegistry();
    const a = registry.get('a');
    const log = vi.fn();
    a.on('success', log); // the same logger attached directly, too
    const off = registry.on('success', log);
    off();
    record(a, 1, 'success');
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('rejects an unknown event or a non-function listener', () => {
    const registry = newRegistry();
    expect(() => registry.on('opened' as 'success', () => {})).toThrow(
      /Unknown breaker event "opened"; expected one of: stateChange, success/,
    );
    expect(() => registry.on('success', 'log' as unknown as () => void)).toThrow(TypeError);
  });
});

describe('isolate, reset, resetAll', () => {
  it('isolate() forces the named circuit open and returns whether it exists', () => {
    const registry = newRegistry();
    const a = registry.get('a');
    expect(registry.isolate('a')).toBe(true);
    expect(a.state).toBe('forced-open');
    expect(registry.isolate('missing')).toBe(false);
    expect(registry.has('missing')).toBe(false);
  });

  it('reset() closes the named circuit and returns whether it exists', () => {
    const registry = newRegistry();
    const a = registry.get('a');
    a.isolate();
    expect(registry.reset('a')).toBe(true);
    expect(a.state).toBe('closed');
    expect(registry.reset('missing')).toBe(false);
    expect(registry.has('missing')).toBe(false);
  });

  it('resetAll() closes every circuit with an empty window and returns nothing', () => {
    const registry = newRegistry({ defaults: { consecutiveFailures: 1 } });
    const a = registry.get('a');
    const b = registry.get('b');
    const c = registry.get('c');
    a.isolate();
    record(b, 1, 'failure');
    record(c, 1, 'success');
    expect(registry.resetAll()).toBeUndefined();
    expect([a.state, b.state, c.state]).toEqual(['closed', 'closed', 'closed']);
    expect(c.stats().calls).toBe(0);
    expect(registry.health().status).toBe('ok');
  });
});

describe('maxBreakers', () => {
  /** The names the registry holds, least recently used first. */
  const names = (registry: BreakerRegistry) => registry.list().map((b) => b.name);

  it('defaults to 1000', () => {
    const registry = newRegistry();
    for (let i = 0; i < 1_001; i++) registry.get(`k${i}`);
    expect(registry.size).toBe(1_000);
    expect(registry.has('k0')).toBe(false);
  });

  it('evicts the least recently used closed idle breaker', () => {
    const registry = newRegistry({ maxBreakers: 3 });
    registry.get('a');
    registry.get('b');
    registry.get('c');
    registry.get('a'); // a is now the most recently used
    registry.get('d');
    expect(names(registry)).toEqual(['c', 'a', 'd']);
  });

  it('prefers a closed idle breaker over an older one that is not closed', () => {
    const registry = newRegistry({ maxBreakers: 3 });
    registry.get('a').isolate();
    registry.get('b');
    registry.get('c');
    registry.get('d');
    expect(names(registry)).toEqual(['a', 'c', 'd']);
  });

  it('passes over a closed breaker with a call in flight', () => {
    const registry = newRegistry({ maxBreakers: 3 });
    registry.get('a').tryAcquire(); // in flight
    registry.get('b');
    registry.get('c');
    registry.get('d');
    expect(names(registry)).toEqual(['a', 'c', 'd']);
  });

  it('then evicts an idle breaker that is not closed, before a busy one', () => {
    const registry = newRegistry({ maxBreakers: 3, defaults: { consecutiveFailures: 1 } });
    registry.get('busy').tryAcquire();
    record(registry.get('open'), 1, 'failure');
    registry.get('forced').isolate();
    registry.get('new');
    expect(names(registry)).toEqual(['busy', 'forced', 'new']);
  });

  it('then evicts the least recently used breaker when every one is busy', () => {
    const registry = newRegistry({ maxBreakers: 2 });
    registry.get('a').tryAcquire();
    registry.get('b').tryAcquire();
    registry.get('a'); // b is now the least recently used
    registry.get('c');
    expect(names(registry)).toEqual(['a', 'c']);
  });

  it('an evicted breaker no longer delivers events to registry listeners', () => {
    const registry = newRegistry({ maxBreakers: 1 });
    const events: string[] = [];
    registry.on('success', ({ name }) => events.push(name));
    const a = registry.get('a');
    registry.get('b');
    expect(registry.has('a')).toBe(false);
    record(a, 1, 'success');
    record(registry.get('b'), 1, 'success');
    expect(events).toEqual(['b']);
  });

  it('an evicted breaker keeps working for whoever still holds it', async () => {
    const registry = newRegistry({ maxBreakers: 1 });
    const a = registry.get('a');
    registry.get('b');
    await expect(a.execute(() => 'still works')).resolves.toBe('still works');
  });

  it('stays bounded under 10 000 distinct untrusted keys', () => {
    const maxBreakers = 50;
    const registry = newRegistry({ maxBreakers });
    const listener = vi.fn();
    registry.on('success', listener);
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      const breaker = registry.get(`/users/${i}?q=${'x'.repeat(i % 7)}`);
      // A mix of states, as real traffic would leave them.
      if (i % 3 === 0) record(breaker, 1, 'success');
      if (i % 11 === 0) breaker.isolate();
      if (i % 13 === 0) breaker.tryAcquire(); // left in flight
      largest = Math.max(largest, registry.size);
    }
    expect(largest).toBe(maxBreakers);
    expect(registry.size).toBe(maxBreakers);
    expect(registry.list()).toHaveLength(maxBreakers);
    // Every listener call came from a breaker that was in the registry at the time.
    expect(listener).toHaveBeenCalledTimes(Math.ceil(10_000 / 3));
    // The most recent key is always kept.
    expect(registry.has(`/users/9999?q=${'x'.repeat(9999 % 7)}`)).toBe(true);
  });
});
