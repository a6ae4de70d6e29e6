import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as fetch from './index.ts';

// The public API of @tripswitch/fetch: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(fetch).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitOpenError',
    'isBulkheadFullError',
    'isCircuitOpenError',
    'withBreaker',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(fetch.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(fetch.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(fetch.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(fetch.isBulkheadFullError).toBe(core.isBulkheadFullError);
  expect(fetch.isCircuitOpenError).toBe(core.isCircuitOpenError);
});
