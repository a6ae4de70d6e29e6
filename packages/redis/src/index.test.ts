import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as redis from './index.ts';

// The public API of @tripswitch/redis: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(redis).sort()).toEqual([
    'BreakerRegistry',
    'CircuitBreaker',
    'RedisBreakerStore',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(redis.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(redis.CircuitBreaker).toBe(core.CircuitBreaker);
});
