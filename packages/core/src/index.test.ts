import { expect, it } from 'vitest';
import * as core from './index.ts';

// The public API of @tripswitch/core: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(core).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitBreaker',
    'CircuitOpenError',
    'CircuitTimeoutError',
    'InvalidOptionError',
    'TripswitchError',
    'adaptiveThrottling',
    'consecutiveFailuresRule',
    'exponentialBackoff',
    'failureRateRule',
    'isBreakerRegistry',
    'isBulkheadFullError',
    'isCircuitOpenError',
    'isCircuitTimeoutError',
    'isInvalidOptionError',
    'isTripswitchError',
    'slowCallRateRule',
    'systemClock',
    'validateBreakerOptions',
  ]);
});
