import { HttpException } from '@nestjs/common';
import { isFailureStatus } from '@tripswitch/core/http';
import { HTTPError } from 'got';

/**
 * Passes an upstream answer that is the caller's mistake (a 4xx other than 429, by the rule every
 * Tripswitch HTTP adapter shares) on to the caller with its status, as an `HttpException`;
 * rethrows anything else: 5xx, 429, timeouts and network errors are the upstream failing.
 */
export function passOnClientErrors(error: unknown): never {
  if (error instanceof HTTPError && !isFailureStatus(error.response.statusCode)) {
    const status = error.response.statusCode;
    throw new HttpException({ error: `the upstream answered ${status}` }, status, {
      cause: error,
    });
  }
  throw error;
}

/**
 * Whether an error thrown by a call to the upstream is the upstream's failure: anything but an
 * `HttpException`, which {@link passOnClientErrors} made of the caller's own mistake.
 */
export function isUpstreamFailure(error: unknown): boolean {
  return !(error instanceof HttpException);
}
