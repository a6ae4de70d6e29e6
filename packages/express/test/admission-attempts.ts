import type { Express, NextFunction, Request, Response } from 'express';
import { type Deferred, deferred } from './deferred.ts';

/**
 * Counts requests that have been through the breaker middleware's synchronous part: mounted
 * before it, it calls next() (which runs the breaker middleware at once) and then counts. A
 * request a queueing bulkhead holds has joined the queue by then. Returns a wait for the `n`th
 * such request, which resolves with its response.
 */
export function afterAdmissionAttempt(app: Express): (n: number) => Promise<Response> {
  const responses: Response[] = [];
  const waiters = new Map<number, Deferred<Response>>();
  app.use((_req: Request, res: Response, next: NextFunction) => {
    next();
    responses.push(res);
    waiters.get(responses.length)?.resolve(res);
  });
  return (n: number): Promise<Response> => {
    const seen = responses[n - 1];
    if (seen !== undefined) return Promise.resolve(seen);
    const waiter = deferred<Response>();
    waiters.set(n, waiter);
    return waiter.promise;
  };
}
