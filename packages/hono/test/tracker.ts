import type { Context, Env, Hono } from 'hono';

/** A request an outer middleware saw go into the breaker middleware. */
export interface Tracked<E extends Env = Env> {
  c: Context<E>;
  /** Resolves with the response once the breaker middleware, and what is behind it, are done. */
  done: Promise<Response>;
}

/** What an outer middleware saw of the requests through the breaker middleware. */
export interface Tracker<E extends Env = Env> {
  /** Resolves when the `n`th request has been through the breaker middleware's synchronous part. */
  attempted(n: number): Promise<Tracked<E>>;
}

/**
 * Mounts, before the breaker middleware, a middleware that calls next() — which runs the breaker
 * middleware's synchronous part at once: a bulkhead queue is joined there — and records each
 * request's progress, so a test waits for the event it depends on rather than for time.
 */
export function track<E extends Env>(app: Hono<E>): Tracker<E> {
  const attempted = waitable<Tracked<E>>();
  app.use('*', async (c, next) => {
    const running = next();
    const done = Promise.withResolvers<Response>();
    attempted.add({ c, done: done.promise });
    await running;
    done.resolve(c.res);
  });
  return { attempted: attempted.nth };
}

function waitable<T>() {
  const seen: T[] = [];
  const waiters = new Map<number, (value: T) => void>();
  return {
    add(value: T): void {
      seen.push(value);
      waiters.get(seen.length)?.(value);
    },
    nth(n: number): Promise<T> {
      const value = seen[n - 1];
      if (value !== undefined) return Promise.resolve(value);
      return new Promise((resolve) => waiters.set(n, resolve));
    },
  };
}

/** A route whose requests wait in the handler until released, so they stay in flight. */
export interface HoldingRoute {
  /** How many requests reached the handler. */
  count(): number;
  /** Resolves when the `n`th request has reached the handler. */
  arrival(n: number): Promise<void>;
  /** Lets every held request, and every later one, answer 200. */
  release(): void;
}

export function holdingRoute(app: Hono, path: string): HoldingRoute {
  const gate = Promise.withResolvers<void>();
  const arrivals = waitable<number>();
  let count = 0;
  app.get(path, async (c) => {
    arrivals.add(++count);
    await gate.promise;
    return c.text('held');
  });
  return {
    count: () => count,
    arrival: async (n) => {
      await arrivals.nth(n);
    },
    release: () => gate.resolve(),
  };
}
