import { isInvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { ItemCache } from './item-cache.ts';

describe('ItemCache', () => {
  it('recalls what it remembered, the newest answer for an id', () => {
    const cache = new ItemCache<string>(3);
    expect(cache.recall('a')).toBeUndefined();
    cache.remember('a', 'first');
    cache.remember('a', 'second');
    expect(cache.recall('a')).toBe('second');
    expect(cache.size).toBe(1);
  });

  it('keeps at most maxItems, forgetting the answer stored longest ago', () => {
    const cache = new ItemCache<number>(2);
    cache.remember('a', 1);
    cache.remember('b', 2);
    cache.remember('a', 3); // refreshed: now b is the oldest
    cache.remember('c', 4);
    expect(cache.size).toBe(2);
    expect(cache.recall('b')).toBeUndefined();
    expect(cache.recall('a')).toBe(3);
    expect(cache.recall('c')).toBe(4);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxItems %s, naming it', (maxItems) => {
    let error: unknown;
    try {
      new ItemCache(maxItems);
    } catch (caught) {
      error = caught;
    }
    expect(isInvalidOptionError(error)).toBe(true);
    expect(error).toMatchObject({ option: 'maxItems', value: maxItems });
  });
});
