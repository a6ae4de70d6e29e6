import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { inertBinding } from '../test/support/inert-binding.ts';
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
    expect(registry.health()).toEqual({ status: 'ok', overflows: 0, breakers: [] });
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
      overflows: 0,
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
  /** Builds a breaker in every state that must never be evicted, on its own name. */
  function pinAll(registry: BreakerRegistry): CircuitBreaker<unknown>[] {
    const open = registry.get('open', { consecutiveFailures: 1 });
    record(open, 1, 'failure');
    const halfOpen = registry.get('half-open', { consecutiveFailures: 1 });
    record(halfOpen, 1, 'failure');
    now += 60_000;
    halfOpen.tryAcquire(); // a trial, left in flight
    const forced = registry.get('forced-open');
    forced.isolate();
    const disabled = registry.get('disabled');
    disabled.disable();
    expect([open, halfOpen, forced, disabled].map((b) => b.state)).toEqual([
      'open',
      'half-open',
      'forced-open',
      'disabled',
    ]);
    return [open, halfOpen, forced, disabled];
  }

  it('defaults to 1000', () => {
    const registry = newRegistry();
    for (let i = 0; i < 1_001; i++) registry.get(`k${i}`);
    expect(registry.size).toBe(1_000);
    expect(registry.has('k0')).toBe(false);
  });

  it('evicts the least recently used quiet breaker', () => {
    const registry = newRegistry({ maxBreakers: 3 });
    registry.get('a');
    registry.get('b');
    registry.get('c');
    registry.get('a'); // a is now the most recently used
    registry.get('d');
    expect(['a', 'b', 'c', 'd'].filter((name) => registry.has(name))).toEqual(['a', 'c', 'd']);
  });

  it('never evicts a breaker whose name is configured, though it is closed and quiet', () => {
    const registry = newRegistry({ maxBreakers: 3, breakers: { payments: {} } });
    const payments = registry.get('payments');
    for (let i = 0; i < 100; i++) registry.get(`key-${i}`);
    expect(registry.size).toBe(3);
    expect(registry.get('payments')).toBe(payments);
    // reset() through the registry keeps it where it is, too.
    registry.reset('payments');
    for (let i = 100; i < 200; i++) registry.get(`key-${i}`);
    expect(registry.get('payments')).toBe(payments);
    expect(registry.has('key-198') && registry.has('key-199')).toBe(true);
  });

  it('serves a new name unkept when configured breakers fill it', () => {
    const registry = newRegistry({ maxBreakers: 1, breakers: { payments: {} } });
    const payments = registry.get('payments');
    const unkept = registry.get('key');
    expect(registry.has('key')).toBe(false);
    expect(registry.overflows).toBe(1);
    expect(unkept).not.toBe(payments);
    expect(registry.get('payments')).toBe(payments);
  });

  it('checks the options of a new name before it evicts anything for it', () => {
    const registry = newRegistry({ maxBreakers: 2 });
    const a = registry.get('a');
    const b = registry.get('b');
    expect(() => registry.get('c', { failureRateThreshold: 500 })).toThrow(InvalidOptionError);
    expect(() => registry.keep('c', { timeoutMs: -1 })).toThrow(InvalidOptionError);
    expect(registry.list()).toEqual([a, b]);
  });

  describe('keep', () => {
    it('never evicts a kept breaker, though it is closed and quiet', () => {
      const registry = newRegistry({ maxBreakers: 3 });
      const inventory = registry.keep('inventory');
      for (let i = 0; i < 100; i++) registry.get(`key-${i}`);
      expect(registry.size).toBe(3);
      expect(registry.get('inventory')).toBe(inventory);
      expect(registry.keep('inventory')).toBe(inventory);
      inventory.isolate();
      registry.reset('inventory');
      for (let i = 100; i < 200; i++) registry.get(`key-${i}`);
      expect(registry.list()[0]).toBe(inventory);
      expect(registry.has('key-198') && registry.has('key-199')).toBe(true);
    });

    it('takes a breaker it already holds out of the eviction order', () => {
      const registry = newRegistry({ maxBreakers: 2 });
      const inventory = registry.get('inventory');
      expect(registry.keep('inventory')).toBe(inventory);
      for (let i = 0; i < 10; i++) registry.get(`key-${i}`);
      expect(registry.get('inventory')).toBe(inventory);
    });

    it('keeps a name even when every breaker it holds may not go, and counts no overflow', () => {
      const registry = newRegistry({ maxBreakers: 2 });
      registry.get('a').isolate();
      registry.get('b').isolate();
      const inventory = registry.keep('inventory');
      expect(registry.size).toBe(3);
      expect(registry.overflows).toBe(0);
      expect(registry.get('inventory')).toBe(inventory);
      // New names from input are still bounded: not kept while nothing may go.
      registry.get('key');
      expect(registry.has('key')).toBe(false);
      expect(registry.overflows).toBe(1);
    });

    it('builds it as get() does: defaults, configured options, then options', () => {
      const registry = newRegistry({
        defaults: { consecutiveFailures: 9 },
        breakers: { inventory: { consecutiveFailures: 4 } },
      });
      expect(tripsAfter(registry.keep('inventory'))).toBe(4);
      expect(tripsAfter(registry.keep('orders', { consecutiveFailures: 2 }))).toBe(2);
      expect(() => registry.keep('')).toThrow(InvalidOptionError);
      expect(() => registry.keep('x', { name: 'y' })).toThrow(InvalidOptionError);
    });

    it('lets a kept breaker be deleted; its name is then like any other', () => {
      const registry = newRegistry({ maxBreakers: 1 });
      const inventory = registry.keep('inventory');
      registry.delete('inventory');
      const fresh = registry.get('inventory');
      expect(fresh).not.toBe(inventory);
      registry.get('key');
      expect(registry.has('inventory')).toBe(false);
    });
  });

  it('lists its breakers in the order they were created, however they are used', () => {
    const registry = newRegistry({ maxBreakers: 3 });
    registry.get('a');
    registry.get('b');
    registry.get('c');
    registry.get('a');
    registry.get('b');
    registry.get('d'); // evicts c
    expect(registry.list().map((breaker) => breaker.name)).toEqual(['a', 'b', 'd']);
  });

  it('never evicts a breaker that is open, half-open, forced open or disabled', () => {
    const registry = newRegistry({ maxBreakers: 5, defaults: { consecutiveFailures: 1 } });
    const pinned = pinAll(registry);
    for (let i = 0; i < 1_000; i++) {
      const breaker = registry.get(`/flood/${i}`);
      if (i % 2 === 0) breaker.tryAcquire(); // some held in flight, as a slow-loris flood would
      if (i % 3 === 0) record(breaker, 1, 'success');
    }
    expect(registry.size).toBe(5);
    for (const breaker of pinned) expect(registry.get(breaker.name)).toBe(breaker);
    expect(registry.overflows).toBe(0);
  });

  it('evicts closed breakers in order: quiet, then busy, then with failures, then both', () => {
    const registry = newRegistry({ maxBreakers: 5, defaults: { consecutiveFailures: 5 } });
    const failingBusy = registry.get('failing and busy');
    record(failingBusy, 1, 'failure');
    failingBusy.tryAcquire();
    record(registry.get('failing'), 1, 'failure');
    registry.get('busy').tryAcquire();
    registry.get('quiet');
    registry.get('open').isolate();
    const evicted: string[] = [];
    const held = () => ['failing and busy', 'failing', 'busy', 'quiet', 'open'];
    for (let i = 0; i < 4; i++) {
      const before = held().filter((name) => registry.has(name));
      registry.get(`new ${i}`).isolate(); // the newcomers may not go either
      evicted.push(...before.filter((name) => !registry.has(name)));
    }
    expect(evicted).toEqual(['quiet', 'busy', 'failing', 'failing and busy']);
    expect(registry.has('open')).toBe(true);
  });

  it('counts slow calls as evidence too', () => {
    const registry = newRegistry({ maxBreakers: 2, defaults: { slowCallDurationMs: 100 } });
    (registry.get('slow').tryAcquire() as Permit).success(150);
    (registry.get('fast').tryAcquire() as Permit).success(10);
    registry.get('slow'); // the most recently used, and still the one kept
    registry.get('new');
    expect(registry.has('slow')).toBe(true);
    expect(registry.has('fast')).toBe(false);
  });

  it('within a rank, evicts the least recently used', () => {
    const registry = newRegistry({ maxBreakers: 3, defaults: { consecutiveFailures: 5 } });
    record(registry.get('a'), 1, 'failure');
    record(registry.get('b'), 1, 'failure');
    registry.get('c').isolate();
    registry.get('a');
    registry.get('d').isolate();
    expect(['a', 'b'].filter((name) => registry.has(name))).toEqual(['a']);
  });

  it('judges a breaker by its state now, not when it last looked at it', () => {
    const registry = newRegistry({ maxBreakers: 2, defaults: { consecutiveFailures: 1 } });
    const a = registry.get('a');
    a.isolate();
    registry.get('b').isolate();
    registry.get('c'); // both pinned: c is not kept
    expect(registry.has('c')).toBe(false);
    a.reset(); // directly, not through the registry
    registry.get('d');
    expect(registry.has('a')).toBe(false);
    expect(registry.has('d')).toBe(true);

    const permit = registry.get('d').tryAcquire() as Permit; // d is busy now
    registry.get('b').reset();
    registry.get('b').tryAcquire(); // b is busy too
    registry.get('e').isolate(); // evicts the least recently used busy one: d
    expect(registry.has('d')).toBe(false);
    permit.success(); // an evicted breaker's permit still settles, on the breaker it came from
  });

  it('finds a breaker that closed unseen within maxBreakers / 2 new names', () => {
    const registry = newRegistry({ maxBreakers: 10 });
    for (let i = 0; i < 10; i++) registry.get(`pinned ${i}`).isolate();
    registry.get('first overflow');
    const closed = registry.list()[7] as CircuitBreaker<unknown>;
    closed.reset(); // directly: the registry is not told
    let unkept = 0;
    for (let i = 0; registry.has(closed.name); i++) {
      registry.get(`new ${i}`);
      if (!registry.has(`new ${i}`)) unkept++;
    }
    expect(unkept).toBeLessThanOrEqual(5);
    expect(registry.overflows).toBe(1 + unkept);
  });

  it('a breaker that closes after its trials may be evicted again', () => {
    const registry = newRegistry({
      maxBreakers: 2,
      defaults: { consecutiveFailures: 1, halfOpenMaxCalls: 1 },
    });
    const a = registry.get('a');
    record(a, 1, 'failure');
    registry.get('b').isolate();
    registry.get('c');
    expect(registry.has('c')).toBe(false);
    now += 60_000;
    (a.tryAcquire() as Permit).success(); // the trial succeeds: a closes
    expect(a.state).toBe('closed');
    registry.get('c');
    expect(registry.has('a')).toBe(false);
    expect(registry.has('c')).toBe(true);
  });

  describe('when every breaker it holds is open, half-open, forced open or disabled', () => {
    it('serves a new name with a breaker it does not keep, and counts it', async () => {
      const registry = newRegistry({ maxBreakers: 4 });
      const pinned = pinAll(registry);
      const listener = vi.fn();
      registry.on('success', listener);

      const first = registry.get('new');
      await expect(first.execute(() => 'served')).resolves.toBe('served');
      const second = registry.get('new');

      expect(second).not.toBe(first);
      expect(first.name).toBe('new');
      expect(registry.has('new')).toBe(false);
      expect(registry.size).toBe(4);
      expect(registry.list()).toEqual(pinned);
      expect(registry.overflows).toBe(2);
      expect(registry.health()).toMatchObject({ status: 'degraded', overflows: 2 });
      expect(listener).not.toHaveBeenCalled();
    });

    it('builds the unkept breaker from the same options, fallback included', async () => {
      const registry = newRegistry({ maxBreakers: 1, defaults: { consecutiveFailures: 7 } });
      registry.get('held').isolate();
      const fallback = vi.fn(() => 'fallback');
      const unkept = registry.get('new', { fallback });
      await expect(unkept.execute(() => Promise.reject(new Error('down')))).resolves.toBe(
        'fallback',
      );
      expect(tripsAfter(registry.get('other'))).toBe(7);
    });

    it('binds no unkept breaker to the store', () => {
      const bind = vi.fn(inertBinding);
      const registry = newRegistry({ maxBreakers: 1, store: { bind } as never });
      registry.get('held').isolate();
      expect(bind).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 100; i++) registry.get(`new ${i}`);
      expect(bind).toHaveBeenCalledTimes(1);
      expect(registry.overflows).toBe(100);
    });

    it('keeps new names again as soon as one of its breakers closes', () => {
      const registry = newRegistry({ maxBreakers: 4 });
      pinAll(registry);
      registry.get('before');
      registry.reset('forced-open');
      registry.get('after');
      expect(registry.has('before')).toBe(false);
      expect(registry.has('after')).toBe(true);
      expect(registry.has('forced-open')).toBe(false);
      expect(registry.overflows).toBe(1);
    });
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

  it('a deleted entry is not evicted again, and get() of its name builds a fresh breaker', () => {
    const registry = newRegistry({ maxBreakers: 2 });
    const a = registry.get('a');
    registry.get('b');
    registry.delete('a');
    registry.get('c');
    registry.get('d');
    const fresh = registry.get('a');
    expect(fresh).not.toBe(a);
    expect(registry.size).toBe(2);
  });
});

describe('maxBreakers under a flood of keys', () => {
  /** How many failed calls open `route`, with `between` (a function of the round) in between. */
  function callsToOpen(registry: BreakerRegistry, between: (round: number) => void): number {
    let calls = 0;
    while (registry.get('route').state === 'closed' && calls < 100) {
      record(registry.get('route'), 1, 'failure');
      calls++;
      between(calls);
    }
    return calls;
  }

  const options = { maxBreakers: 100, defaults: { minimumCalls: 5, failureRateThreshold: 50 } };

  it('keeps the evidence of a failing key through 150 new keys between each of its calls', () => {
    const needed = callsToOpen(newRegistry(options), () => {});
    expect(needed).toBe(5);

    const flooded = newRegistry(options);
    const withFlood = callsToOpen(flooded, (round) => {
      for (let i = 0; i < 150; i++) record(flooded.get(`/flood/${round}/${i}`), 1, 'success');
    });
    expect(withFlood).toBeLessThanOrEqual(2 * needed);
    expect(withFlood).toBe(needed);
  });

  it('keeps it when the flood holds its requests in flight', () => {
    const flooded = newRegistry(options);
    const opened = callsToOpen(flooded, (round) => {
      for (let i = 0; i < 150; i++) flooded.get(`/flood/${round}/${i}`).tryAcquire();
    });
    expect(opened).toBe(5);
  });

  it('holds at most maxBreakers, and keeps every pinned one, under random traffic', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('get'), key: fc.nat(40) }),
      // A few names of the application's code, kept: beyond the bound, never evicted.
      fc.record({ kind: fc.constant('keep'), key: fc.nat(2) }),
      fc.record({ kind: fc.constant('hold'), key: fc.nat(40) }),
      fc.record({
        kind: fc.constant('settle'),
        index: fc.nat(),
        how: fc.constantFrom('success', 'failure', 'ignore'),
      }),
      fc.record({
        kind: fc.constantFrom('isolate', 'reset', 'disable', 'delete'),
        key: fc.nat(40),
      }),
      fc.record({ kind: fc.constant('time'), ms: fc.integer({ min: 0, max: 5_000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 300 }), (max, ops) => {
        now = 0;
        const registry = newRegistry({
          maxBreakers: max,
          defaults: { consecutiveFailures: 2, openDurationMs: 1_000, halfOpenMaxCalls: 1 },
        });
        const permits: Permit[] = [];
        const kept = new Map<string, CircuitBreaker<unknown>>();
        let overflows = 0;
        for (const step of ops) {
          const name = 'key' in step ? `k${step.key}` : '';
          const pinnedBefore = registry.list().filter((b) => b.state !== 'closed');
          const allPinned = registry.size === max && pinnedBefore.length === max;
          switch (step.kind) {
            case 'get':
            case 'hold': {
              const known = registry.has(name);
              const breaker = registry.get(name);
              if (!known && !registry.has(name)) {
                // Not kept: only ever when the registry is full of breakers it may not evict.
                overflows++;
                expect(registry.size).toBeGreaterThanOrEqual(max);
              } else {
                expect(registry.get(name)).toBe(breaker);
              }
              if (!known && allPinned) expect(registry.has(name)).toBe(false);
              if (step.kind === 'hold') {
                const permit = breaker.tryAcquire();
                if (permit !== null) permits.push(permit);
              }
              break;
            }
            case 'keep': {
              const breaker = registry.keep(name);
              expect(kept.get(name) ?? breaker).toBe(breaker);
              kept.set(name, breaker);
              break;
            }
            case 'settle': {
              const [permit] = permits.splice(step.index % Math.max(1, permits.length), 1);
              if (step.how === 'failure') permit?.failure(new Error('boom'));
              else permit?.[step.how]();
              break;
            }
            case 'isolate':
            case 'reset':
            case 'disable':
              registry
                .list()
                .find((b) => b.name === name)
                ?.[step.kind]();
              break;
            case 'delete':
              registry.delete(name);
              kept.delete(name);
              break;
            case 'time':
              now += step.ms;
              break;
          }
          expect(registry.size).toBeLessThanOrEqual(max + kept.size);
          for (const breaker of kept.values()) expect(registry.list()).toContain(breaker);
          expect(registry.overflows).toBe(overflows);
          for (const breaker of pinnedBefore) {
            if (step.kind === 'delete' && breaker.name === name) continue;
            expect(registry.list()).toContain(breaker);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('looks at a bounded number of breakers per new key, whatever they hold', () => {
    const registry = newRegistry({ maxBreakers: 1_000, defaults: { consecutiveFailures: 3 } });
    for (let i = 0; i < 500; i++) registry.get(`open ${i}`).isolate();
    for (let i = 0; i < 500; i++) record(registry.get(`failing ${i}`), 1, 'failure');
    const stats = vi.spyOn(CircuitBreaker.prototype, 'stats');
    const state = vi.spyOn(CircuitBreaker.prototype, 'state', 'get');
    const flood = 20_000;
    // Every new key holds a request open: each evicts a busy one, and the pinned stay.
    for (let i = 0; i < flood; i++) registry.get(`/flood/${i}`).tryAcquire();
    expect(registry.size).toBe(1_000);
    // Each entry is looked at a few times per use, not once per breaker held per new key.
    expect(stats.mock.calls.length + state.mock.calls.length).toBeLessThan(12 * flood);
    for (let i = 0; i < 500; i++) registry.get(`failing ${i}`).isolate();
    stats.mockClear();
    state.mockClear();
    // Now everything is pinned: each new key is served unkept, after a constant amount of work.
    for (let i = 0; i < flood; i++) registry.get(`/again/${i}`);
    expect(registry.overflows).toBeGreaterThanOrEqual(flood - 1_000);
    expect(stats.mock.calls.length + state.mock.calls.length).toBeLessThan(12 * flood);
  });
});
