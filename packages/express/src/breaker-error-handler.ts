import { InvalidOptionError } from '@tripswitch/core';
import type { RefusalProblemFunction } from '@tripswitch/core/http';
import { checkRefusalProblem, findRefusal } from '@tripswitch/core/internal';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { sendRefusal } from './send-refusal.ts';

/** Options of {@link breakerErrorHandler}. */
export interface BreakerErrorHandlerOptions {
  /**
   * Writes the body of the 503: given the refusal and the problem document, which names no
   * breaker, it returns the JSON body to send. The refusals this handler sees mostly come from
   * HTTP clients, whose breakers are named by the origin they call (an internal host), so the
   * name is left out unless this puts it back:
   * `problem: (error, problem) => ({ ...problem, breaker: error.breakerName })`.
   * @defaultValue the problem document: status, `code`, `retryAfterMs` and a detail naming no breaker
   */
  problem?: RefusalProblemFunction;
}

/**
 * An Express error handler that answers a refusal by any breaker — a `CircuitOpenError` or
 * `BulkheadFullError` thrown by an HTTP client (axios, got, fetch) or a breaker of your own,
 * directly or as the `cause` of the client's error — with the same 503 the middleware sends:
 * `Retry-After` in whole seconds and an `application/problem+json` body. The body does not name
 * the breaker, whose name is often an internal origin such as `http://inventory.internal:8080`;
 * `problem` shapes it. Any other error, or a refusal after the response has started, goes on to
 * the next error handler.
 *
 * Mount it after your routes and before your own error handlers. Note that a route protected
 * by {@link breakerMiddleware} that answers 503 this way counts as a failed request.
 *
 * @throws `InvalidOptionError` when an option is invalid.
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
export function breakerErrorHandler(options: BreakerErrorHandlerOptions = {}): ErrorRequestHandler {
  const problem = checkOptions(options);
  // Four parameters: that is how Express tells an error handler from a middleware.
  return function breakerErrorHandler(
    error: unknown,
    _req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    const refusal = findRefusal(error);
    if (refusal === undefined || res.headersSent) next(error);
    else sendRefusal(res, refusal, problem);
  };
}

function checkOptions(options: unknown): RefusalProblemFunction | undefined {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an object { problem? }');
  }
  const { problem, ...rest } = options as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new InvalidOptionError(unknown, rest[unknown], 'no such option; allowed: problem');
  }
  return checkRefusalProblem(problem);
}
