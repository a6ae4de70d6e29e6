import { HttpException } from '@nestjs/common';
import type { Clock } from '@tripswitch/core';
import {
  isBulkheadFullError,
  isCircuitOpenError,
  type TripswitchModuleOptions,
} from '@tripswitch/nestjs';

/**
 * The demo's breaker configuration: short windows, so a circuit opens after a handful of calls
 * (once half of the last 10 failed, counting from 5 calls) and the demo needs no long traffic.
 * The route's breaker counts only the app's own faults: an `HttpException` is an answer chosen
 * on purpose (a 502 for a failed upstream, a 404 passed on), and a refusal comes from the
 * `upstream` breaker, which already judged the upstream.
 */
export function demoBreakerOptions(clock: Clock | undefined): TripswitchModuleOptions {
  return {
    defaults: {
      window: { type: 'count', size: 10 },
      minimumCalls: 5,
      ...(clock === undefined ? {} : { clock }),
    },
    breakers: {
      'ItemsController.findOne': {
        isFailure: (error) =>
          !(error instanceof HttpException) &&
          !isCircuitOpenError(error) &&
          !isBulkheadFullError(error),
      },
    },
  };
}
