import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as grpc from './index.ts';

it('exports exactly the public API, with no default export', () => {
  expect(Object.keys(grpc).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitOpenError',
    'breakerInterceptor',
    'isBulkheadFullError',
    'isCircuitOpenError',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(grpc.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(grpc.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(grpc.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(grpc.isCircuitOpenError).toBe(core.isCircuitOpenError);
  expect(grpc.isBulkheadFullError).toBe(core.isBulkheadFullError);
});
