import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as hono from './index.ts';

it('exports exactly the public API, with no default export', () => {
  expect(Object.keys(hono).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitOpenError',
    'breakerMiddleware',
    'circuitsHealth',
    'isBulkheadFullError',
    'isCircuitOpenError',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(hono.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(hono.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(hono.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(hono.isCircuitOpenError).toBe(core.isCircuitOpenError);
  expect(hono.isBulkheadFullError).toBe(core.isBulkheadFullError);
});
