import type { Library } from '../types.ts';
import { fail, preallocatedRejection, succeed, throwFresh, work } from '../workload.ts';
import { honoApp } from './hono-app.ts';

/**
 * The baseline: `await fn()` with no breaker, for the rows where a function is called; for the
 * open row, awaiting a rejection made once.
 */
export const bare: Library = {
  name: 'bare',
  version: '`await fn()`',
  rows: {
    closed: { setup: 'await succeed()', prepare: () => ({ op: succeed }) },
    working: { setup: 'await work()', prepare: () => ({ op: work }) },
    failing: { setup: 'await fail()', prepare: () => ({ op: fail }) },
    throwing: { setup: 'await throwFresh()', prepare: () => ({ op: throwFresh }) },
    // No function is called in the open row: what a refusal replaces is the caller's rejection.
    open: {
      setup: 'await preallocatedRejection',
      prepare: () => ({ op: () => preallocatedRejection }),
    },
    hono: {
      setup: "app.get('/', (c) => c.json({ hello: 'world' })); await app.fetch(request)",
      prepare: () => honoApp(false),
    },
  },
};
