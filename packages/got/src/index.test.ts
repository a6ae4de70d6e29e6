import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as got from './index.ts';

// The public API of @tripswitch/got: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(got).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitOpenError',
    'breakerHooks',
    'isBulkheadFullError',
    'isCircuitOpenError',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(got.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(got.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(got.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(got.isBulkheadFullError).toBe(core.isBulkheadFullError);
  expect(got.isCircuitOpenError).toBe(core.isCircuitOpenError);
});
