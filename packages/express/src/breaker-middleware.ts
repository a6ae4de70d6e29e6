import {
  type BulkheadFullError,
  type CircuitBreaker,
  type CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
import { isThenable } from '@tripswitch/core/internal';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { registerOnApp } from './app-registries.ts';
import { claimRequest } from './guarded-request.ts';
import {
  type BreakerMiddlewareOptions,
  type MiddlewareSettings,
  resolveMiddlewareOptions,
} from './options.ts';
import { sendRefusal } from './send-refusal.ts';
import { settleWhenDone } from './settle-when-done.ts';

/**
 * Protects the routes after it with a circuit breaker. Each request asks the breaker for a
 * permit when it arrives; when the circuit refuses, the request is answered at once with 503,
 * `Retry-After` and an `application/problem+json` body (or by `onOpen`), and no route handler
 * runs. The 503's body names no breaker (`problem` to change it). Otherwise the outcome is
 * recorded when the response has been sent:
 *
 * - a status of 500 or more is a failure (`isFailure` to change), anything else a success;
 * - a response that took at least `slowCallDurationMs` from admission is slow;
 * - an error passed to `next(err)`, or thrown, counts by the status the error handler sends;
 * - a response the server cut short after its headers went out (an error after the headers were
 *   sent, a stream piped into it that failed) is a failure, whatever its status said;
 * - a request whose connection closed before the route ended the response — its client hung up,
 *   or the server shut down (`server.close()` and `closeAllConnections()`) — is ignored, and so
 *   is an answer the route gives once its connection is gone. A response the route had already
 *   ended, or destroyed with an error, still counts.
 *
 * With a bulkhead that has a queue (`bulkhead.maxQueue` > 0), a request waits for a slot; it
 * leaves the queue when its connection closes, and never reaches a route.
 *
 * Mount it before the routes it protects, and a health route such as {@link circuitsHealth}
 * before it, so the health route is neither refused nor counted.
 *
 * A request is guarded by the first breaker middleware it reaches; any later one lets it pass
 * untouched, so mount a narrower breaker (`app.use('/payments', …)`, or one on a route) before a
 * wider one (`app.use(…)` for the rest of the app): a failing `/payments` then opens the payments
 * circuit alone. The mark is shared by every copy of this package in the process.
 *
 * @param options - breaker options (see `@tripswitch/core`), plus the middleware's own.
 * @throws `InvalidOptionError` when an option is invalid.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { breakerMiddleware } from '@tripswitch/express';
 *
 * const app = express();
 * app.use('/payments', breakerMiddleware({ name: 'payments', failureRateThreshold: 25 }));
 * app.get('/tenants/:tenant/report', breakerMiddleware({ key: (req) => req.params.tenant }), report);
 * app.use(breakerMiddleware()); // one breaker, named 'express', for every other request
 * ```
 */
export function breakerMiddleware(options?: BreakerMiddlewareOptions): RequestHandler {
  const settings = resolveMiddlewareOptions(options);
  const { registry, breakerOptions, name, key, isFailure, queues } = settings;
  // Created now, so an explicit registry (and a health report) holds it before the first request.
  if (key === undefined) registry.get(name, breakerOptions);
  let registeredOn: unknown;

  return function breakerMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (req.app !== registeredOn) {
      registerOnApp(req.app, registry);
      registeredOn = req.app;
    }
    // Already answered, or the client is gone: a permit now would never be settled. Or already
    // guarded by a breaker middleware met earlier, which alone judges the request.
    if (res.writableEnded || res.closed || !claimRequest(req)) {
      next();
      return;
    }
    let breaker: CircuitBreaker;
    try {
      breaker = registry.get(key === undefined ? name : key(req), breakerOptions);
    } catch (error) {
      next(error);
      return;
    }
    if (queues) {
      admitWhenSlotFree(settings, breaker, req, res, next);
      return;
    }
    const permit = breaker.tryAcquire();
    if (permit === null) {
      refuse(settings, req, res, next, breaker.openError());
      return;
    }
    settleWhenDone(req, res, permit, isFailure);
    next();
  };
}

/** The path with a queueing bulkhead: the request may wait for a slot. */
function admitWhenSlotFree(
  settings: MiddlewareSettings,
  breaker: CircuitBreaker,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  const controller = new AbortController();
  const clientGone = (): void => controller.abort();
  res.once('close', clientGone);
  breaker.acquire({ signal: controller.signal }).then(
    (permit) => {
      res.off('close', clientGone);
      // Admitted in the same turn as the client left, or once the connection was cut but before
      // Node reported it (a shutdown cuts every connection, and the first to close frees slots
      // for the others): nobody is waiting for the answer, and the route must not run for it.
      if (controller.signal.aborted || req.socket?.destroyed === true) {
        permit.ignore();
        return;
      }
      settleWhenDone(req, res, permit, settings.isFailure);
      next();
    },
    (error: unknown) => {
      res.off('close', clientGone);
      if (controller.signal.aborted) return;
      if (isCircuitOpenError(error) || isBulkheadFullError(error)) {
        refuse(settings, req, res, next, error);
      } else {
        next(error);
      }
    },
  );
}

/** Answers a refused request: `onOpen`, or the 503 problem response. */
function refuse(
  settings: MiddlewareSettings,
  req: Request,
  res: Response,
  next: NextFunction,
  error: CircuitOpenError | BulkheadFullError,
): void {
  const { onOpen } = settings;
  if (onOpen === undefined) {
    if (res.headersSent) next(error);
    else sendRefusal(res, error, settings.problem);
    return;
  }
  // Caught here rather than left to Express: Express 4 catches neither a rejected promise nor a
  // throw from the queueing path, which runs outside the router's try/catch.
  try {
    const result: unknown = onOpen(req, res, next, error);
    if (isThenable(result)) {
      result.then(undefined, (reason: unknown) => next(reason ?? new Error('onOpen rejected')));
    }
  } catch (thrown) {
    next(thrown);
  }
}
