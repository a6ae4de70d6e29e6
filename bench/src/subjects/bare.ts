import type { Library } from '../types.ts';
import { fail, succeed, throwFresh, work } from '../workload.ts';
import { honoApp } from './hono-app.ts';

/** The baseline: `await fn()` with no breaker, for the rows where a function is called. */
export const bare: Library = {
  name: 'bare',
  version: '`await fn()`',
  rows: {
    closed: { setup: 'await succeed()', prepare: () => ({ op: succeed }) },
    working: { setup: 'await work()', prepare: () => ({ op: work }) },
    failing: { setup: 'await fail()', prepare: () => ({ op: fail }) },
    throwing: { setup: 'await throwFresh()', prepare: () => ({ op: throwFresh }) },
    hono: {
      setup: "app.get('/', (c) => c.json({ hello: 'world' })); await app.fetch(request)",
      prepare: () => honoApp(false),
    },
  },
};
