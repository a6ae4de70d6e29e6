import { BreakerRegistry, breakerMiddleware } from '@tripswitch/hono';
import { Hono } from 'hono';
import type { Prepared } from '../types.ts';

// One GET reused for every call: a GET's body is never read, so the request can be.
const request = new Request('http://bench.test/');

/**
 * The Hono row's subject: `app.fetch()` of a GET for a route that answers `c.json()`, in process
 * (no network, no server), with `breakerMiddleware()` in front when `guarded`.
 */
export function honoApp(guarded: boolean): Prepared {
  const registry = new BreakerRegistry();
  const app = new Hono();
  if (guarded) app.use(breakerMiddleware({ registry }));
  app.get('/', (c) => c.json({ hello: 'world' }));
  return {
    op: () => Promise.resolve(app.fetch(request)),
    check() {
      if (!guarded) return undefined;
      const [breaker] = registry.list();
      if (breaker === undefined) return 'no breaker in the registry';
      const { state, inFlight, totals } = breaker.stats();
      if (state !== 'closed' || inFlight !== 0) return `breaker is ${state}, ${inFlight} in flight`;
      return totals.successes > 0 && totals.failures === 0
        ? undefined
        : `${totals.successes} successes, ${totals.failures} failures`;
    },
  };
}
