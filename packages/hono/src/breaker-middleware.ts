import {
  type CircuitBreaker,
  isBulkheadFullError,
  isCircuitOpenError,
  type Permit,
} from '@tripswitch/core';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { isClientGone } from './client-gone.ts';
import { isGuarded, markGuarded } from './guarded-request.ts';
import { reportToHealth } from './health-sources.ts';
import {
  type BreakerMiddlewareOptions,
  type MiddlewareSettings,
  resolveMiddlewareOptions,
} from './options.ts';
import { answerRefusal } from './refusal-response.ts';
import { answerThrownRefusal, settleAfterHandlers, settleThrown } from './settle-after-handlers.ts';

/**
 * Protects the routes after it with a circuit breaker; web-standard APIs only. Each request
 * asks the breaker for a permit when it arrives; when the circuit refuses, the request is
 * answered at once with 503, `Retry-After` and an `application/problem+json` body that names no
 * breaker (`problem` to change it; or `onOpen` answers), and no handler behind the middleware
 * runs. Otherwise the outcome is recorded when the handlers behind it are done:
 *
 * - a status of 500 or more is a failure (`isFailure` to change), anything else a success; a
 *   thrown error counts by the response `app.onError` makes of it (500 by default, an
 *   `HTTPException`'s own status);
 * - a response that took at least `slowCallDurationMs` from admission is slow;
 * - a request whose client went away (`c.req.raw.signal` aborted), or whose connection the
 *   server cut while shutting down (`@hono/node-server`: `server.close()` and
 *   `closeAllConnections()`), is ignored, whatever its handler answers afterwards — also in the
 *   turn of the cut, before Node reports it;
 * - a `CircuitOpenError` or `BulkheadFullError` thrown by a handler — a breaker downstream, such
 *   as `withBreaker(fetch)`'s — that `app.onError` answered with a 5xx is answered like the
 *   middleware's own refusals instead (`onOpen`, or the 503), and judged by that answer.
 *
 * With a bulkhead that has a queue (`bulkhead.maxQueue` > 0), a request waits for a slot; it
 * leaves the queue when its client goes away, and never reaches a handler.
 *
 * A request is guarded by the first breaker middleware it reaches; any later one lets it pass
 * untouched, so mount a narrower breaker (`app.use('/payments/*', …)`) before a wider one.
 * Mount a health route such as {@link circuitsHealth} outside the middleware's path, so the
 * health route is neither refused nor counted.
 *
 * @param options - breaker options (see `@tripswitch/core`), plus the middleware's own.
 * @throws `InvalidOptionError` when an option is invalid.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { breakerMiddleware, circuitsHealth } from '@tripswitch/hono';
 *
 * const app = new Hono();
 * app.get('/health/circuits', circuitsHealth());
 * app.use('/api/*', breakerMiddleware({ name: 'api', failureRateThreshold: 50 }));
 * app.use('/tenants/:tenant/*', breakerMiddleware({ key: (c) => c.req.param('tenant'), maxKeys: 500 }));
 * ```
 */
export function breakerMiddleware(options?: BreakerMiddlewareOptions): MiddlewareHandler {
  const settings = resolveMiddlewareOptions(options);
  const { breakerFor, name, key, queues, isFailure, onOpen, problem } = settings;
  // Created now, so the health report holds it before the first request.
  if (key === undefined) breakerFor(name);
  reportToHealth(settings.registry);

  return async function breakerMiddleware(c, next) {
    // Guarded by a breaker middleware met earlier, which alone judges the request.
    if (isGuarded(c)) return next();
    let breaker: CircuitBreaker;
    if (key === undefined) {
      breaker = breakerFor(name);
    } else {
      const k = key(c);
      if (k === undefined) {
        // Around this breaker: a breaker middleware met later may guard the request. If one
        // did, it answered a refusal thrown downstream already (its `onOpen`, its `problem`),
        // and that answer stands.
        await next();
        if (c.error !== undefined && !isGuarded(c)) await answerThrownRefusal(c, settings);
        return undefined;
      }
      breaker = breakerFor(k);
    }
    markGuarded(c);
    if (queues) return admitWhenSlotFree(settings, breaker, c, next);
    const permit = breaker.tryAcquire();
    if (permit === null) return answerRefusal(onOpen, problem, c, breaker.openError());
    // Written out here and in admitWhenSlotFree rather than shared: a helper would cost every
    // request one more promise.
    try {
      await next();
      if (c.error !== undefined) await answerThrownRefusal(c, settings);
    } catch (error) {
      settleThrown(permit, c, error);
      throw error;
    }
    settleAfterHandlers(permit, c, isFailure);
    return undefined;
  };
}

/** The path with a queueing bulkhead: the request may wait for a slot. */
async function admitWhenSlotFree(
  settings: MiddlewareSettings,
  breaker: CircuitBreaker,
  c: Context,
  next: Next,
): Promise<Response | undefined> {
  const signal = c.req.raw.signal;
  let permit: Permit;
  try {
    permit = await breaker.acquire({ signal });
  } catch (error) {
    if (isCircuitOpenError(error) || isBulkheadFullError(error)) {
      return answerRefusal(settings.onOpen, settings.problem, c, error);
    }
    // The client left while the request waited (core gives back a slot granted in that turn).
    if (signal.aborted) return clientGone();
    throw error;
  }
  // Granted once the connection was cut but before Node reported it: a shutdown cuts every
  // connection, and the first to close frees slots for the others. The handler must not run.
  if (isClientGone(c)) {
    permit.ignore();
    return clientGone();
  }
  try {
    await next();
    if (c.error !== undefined) await answerThrownRefusal(c, settings);
  } catch (error) {
    settleThrown(permit, c, error);
    throw error;
  }
  settleAfterHandlers(permit, c, settings.isFailure);
  return undefined;
}

/**
 * What a request whose client left while it waited for a slot gets. No one reads it; 499 is the
 * status proxies log for a client that closed the request.
 */
function clientGone(): Response {
  return new Response(null, { status: 499 });
}
