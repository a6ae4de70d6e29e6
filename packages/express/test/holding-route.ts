import type { Express } from 'express';
import { type Deferred, deferred } from './deferred.ts';

/** A route whose requests wait in the handler until released, so they stay in flight. */
export interface HoldingRoute {
  /** How many requests reached the handler. */
  count(): number;
  /** Resolves when the `n`th request has reached the handler. */
  arrival(n: number): Promise<void>;
  /** Lets every held request, and every later one, answer 200. */
  release(): void;
}

export function holdingRoute(app: Express, path: string): HoldingRoute {
  const gate = deferred();
  const waiters = new Map<number, Deferred<void>>();
  let count = 0;
  app.get(path, async (_req, res) => {
    count++;
    waiters.get(count)?.resolve();
    await gate.promise;
    res.send('held');
  });
  return {
    count: () => count,
    arrival: (n) => {
      if (count >= n) return Promise.resolve();
      const waiter = deferred();
      waiters.set(n, waiter);
      return waiter.promise;
    },
    release: () => gate.resolve(),
  };
}
