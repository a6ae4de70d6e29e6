import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as undici from './index.ts';

// The public API of @tripswitch/fetch/undici: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(undici).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitOpenError',
    'breakerInterceptor',
    'isBulkheadFullError',
    'isCircuitOpenError',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(undici.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(undici.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(undici.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(undici.isBulkheadFullError).toBe(core.isBulkheadFullError);
  expect(undici.isCircuitOpenError).toBe(core.isCircuitOpenError);
});
