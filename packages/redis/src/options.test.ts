import { isInvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { type RedisBreakerStoreOptions, resolveSettings } from './options.ts';

const client = {} as RedisBreakerStoreOptions['client'];

describe('resolveSettings', () => {
  it('fills in the defaults', () => {
    expect(resolveSettings({ client })).toEqual({
      prefix: 'tripswitch:',
      windowMs: 10_000,
      bucketMs: 1_000,
      buckets: 10,
      flushIntervalMs: 1_000,
      commandTimeoutMs: 1_000,
      retryIntervalMs: 1_000,
      syncIntervalMs: 5_000,
      stateTtlMs: 86_400_000,
    });
  });

  it('takes a window of up to 120 buckets', () => {
    expect(resolveSettings({ client, windowMs: 60_000, bucketMs: 500 }).buckets).toBe(120);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['prefix', { prefix: 'a{b}' }, /without \{ or \}/],
    ['prefix', { prefix: 42 }, /a string/],
    ['bucketMs', { bucketMs: 5 }, />= 10/],
    ['bucketMs', { bucketMs: 1.5 }, /integer/],
    ['windowMs', { windowMs: 2_500 }, /multiple of bucketMs \(1000\)/],
    ['windowMs', { windowMs: 200_000 }, /at most 120 buckets/],
    ['windowMs', { windowMs: 500 }, />= 1000/],
    ['flushIntervalMs', { flushIntervalMs: 0 }, />= 10/],
    ['commandTimeoutMs', { commandTimeoutMs: Number.POSITIVE_INFINITY }, /integer/],
    ['retryIntervalMs', { retryIntervalMs: '1s' }, /integer/],
    ['syncIntervalMs', { syncIntervalMs: -1 }, />= 10/],
    ['stateTtlMs', { stateTtlMs: 10 }, />= 1000/],
    ['clients', { clients: [] }, /no such RedisBreakerStore option/],
  ])('refuses a bad %s, naming it', (option, bad, expected) => {
    let error: unknown;
    try {
      resolveSettings({ client, ...bad } as RedisBreakerStoreOptions);
    } catch (caught) {
      error = caught;
    }
    expect(isInvalidOptionError(error)).toBe(true);
    expect(error).toMatchObject({ option, message: expect.stringMatching(expected) });
  });

  it('refuses something that is not an object', () => {
    expect(() => resolveSettings(null as never)).toThrow(/Invalid option "options"/);
  });
});
