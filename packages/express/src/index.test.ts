import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as express from './index.ts';

it('exports exactly the public API, with no default export', () => {
  expect(Object.keys(express).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitOpenError',
    'breakerErrorHandler',
    'breakerMiddleware',
    'circuitsHealth',
    'isBulkheadFullError',
    'isCircuitOpenError',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(express.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(express.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(express.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(express.isCircuitOpenError).toBe(core.isCircuitOpenError);
  expect(express.isBulkheadFullError).toBe(core.isBulkheadFullError);
});
