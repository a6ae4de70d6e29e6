import {
  type BulkheadFullError,
  type CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { sendRefusal } from './send-refusal.ts';

// How far down an error's `cause` chain a refusal is looked for (a client may wrap it).
const maxCauseDepth = 5;

/**
 * An Express error handler that answers a refusal by any breaker — a `CircuitOpenError` or
 * `BulkheadFullError` thrown by an HTTP client (axios, got) or a breaker of your own, directly
 * or as the `cause` of the client's error — with the same 503 the middleware sends:
 * `Retry-After` in whole seconds and an `application/problem+json` body naming the breaker.
 * Any other error, or a refusal after the response has started, goes on to the next error
 * handler.
 *
 * Mount it after your routes and before your own error handlers. Note that a route protected
 * by {@link breakerMiddleware} that answers 503 this way counts as a failed request.
 *
 * @example
 * ```ts
 * import { breakerErrorHandler } from '@tripswitch/express';
 *
 * app.get('/quote', async (req, res) => {
 *   res.json((await pricing.get('/quote')).data); // pricing: axios with attachBreaker
 * });
 * app.use(breakerErrorHandler()); // pricing's circuit is open → 503 with Retry-After
 * ```
 */
export function breakerErrorHandler(): ErrorRequestHandler {
  // Four parameters: that is how Express tells an error handler from a middleware.
  return function breakerErrorHandler(
    error: unknown,
    _req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    const refusal = findRefusal(error);
    if (refusal === undefined || res.headersSent) next(error);
    else sendRefusal(res, refusal);
  };
}

function findRefusal(error: unknown): CircuitOpenError | BulkheadFullError | undefined {
  let current = error;
  for (let depth = 0; depth <= maxCauseDepth; depth++) {
    if (isCircuitOpenError(current) || isBulkheadFullError(current)) return current;
    if (typeof current !== 'object' || current === null || !('cause' in current)) return undefined;
    current = current.cause;
  }
  return undefined;
}
