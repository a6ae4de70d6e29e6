import 'reflect-metadata';
import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as nestjs from './index.ts';

// The public API of @tripswitch/nestjs: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(nestjs).sort()).toEqual([
    'BreakerRefusalException',
    'BreakerRefusalFilter',
    'BreakerRefusalInterceptor',
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitBreaker',
    'CircuitOpenError',
    'InjectBreaker',
    'InvalidOptionError',
    'TripswitchModule',
    'breakerToken',
    'isBulkheadFullError',
    'isCircuitOpenError',
    'isInvalidOptionError',
  ]);
});

// (CircuitBreaker is the decorator here; the core's class is the type `Breaker`.)
it("re-exports the core's own classes and guards, not copies", () => {
  expect(nestjs.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(nestjs.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(nestjs.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(nestjs.InvalidOptionError).toBe(core.InvalidOptionError);
  expect(nestjs.isBulkheadFullError).toBe(core.isBulkheadFullError);
  expect(nestjs.isCircuitOpenError).toBe(core.isCircuitOpenError);
  expect(nestjs.isInvalidOptionError).toBe(core.isInvalidOptionError);
});
