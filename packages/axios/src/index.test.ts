import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as axios from './index.ts';

// The public API of @tripswitch/axios: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(axios).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitOpenError',
    'attachBreaker',
    'isBulkheadFullError',
    'isCircuitOpenError',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(axios.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(axios.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(axios.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(axios.isBulkheadFullError).toBe(core.isBulkheadFullError);
  expect(axios.isCircuitOpenError).toBe(core.isCircuitOpenError);
});
