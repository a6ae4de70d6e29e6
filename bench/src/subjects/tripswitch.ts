import { CircuitBreaker } from '@tripswitch/core';
import type { Library } from '../types.ts';
import { fail, succeed, throwFresh, trippedMessage, tripwire, work } from '../workload.ts';
import { honoApp } from './hono-app.ts';
import { installedVersion } from './version.ts';

/** How long the open row's circuit stays open: longer than any run, so it never half-opens. */
const anHour = 3_600_000;

/** Tripswitch, as built in this workspace (packages/core/dist). */
export const tripswitch: Library = {
  name: 'Tripswitch',
  version: `workspace ${installedVersion('@tripswitch/core')}`,
  rows: {
    closed: {
      setup: 'new CircuitBreaker(); breaker.execute(succeed)',
      prepare() {
        const breaker = new CircuitBreaker();
        return {
          op: () => breaker.execute(succeed),
          check: () => (breaker.state === 'closed' ? undefined : `state is ${breaker.state}`),
        };
      },
    },
    working: {
      setup: 'new CircuitBreaker(); breaker.execute(work)',
      prepare() {
        const breaker = new CircuitBreaker();
        return {
          op: () => breaker.execute(work),
          check: () => (breaker.state === 'closed' ? undefined : `state is ${breaker.state}`),
        };
      },
    },
    failing: {
      // Why a time window: see `notes` below.
      setup:
        "new CircuitBreaker({ window: { type: 'time', durationMs: 10_000, buckets: 10 }, " +
        'minimumCalls: 1_000_000 }); breaker.execute(fail)',
      prepare() {
        const breaker = new CircuitBreaker({
          window: { type: 'time', durationMs: 10_000, buckets: 10 },
          minimumCalls: 1_000_000,
        });
        return {
          op: () => breaker.execute(fail),
          check() {
            if (breaker.state !== 'closed') return `state is ${breaker.state}`;
            const { failures } = breaker.stats().totals;
            return failures > 0 ? undefined : 'no failure was recorded';
          },
        };
      },
    },
    throwing: {
      // Why a time window: see `notes` below.
      setup:
        "new CircuitBreaker({ window: { type: 'time', durationMs: 10_000, buckets: 10 }, " +
        'minimumCalls: 1_000_000 }); breaker.execute(throwFresh)',
      prepare() {
        const breaker = new CircuitBreaker({
          window: { type: 'time', durationMs: 10_000, buckets: 10 },
          minimumCalls: 1_000_000,
        });
        return {
          op: () => breaker.execute(throwFresh),
          check() {
            if (breaker.state !== 'closed') return `state is ${breaker.state}`;
            const { failures } = breaker.stats().totals;
            return failures > 0 ? undefined : 'no failure was recorded';
          },
        };
      },
    },
    hono: {
      setup:
        "app.use(breakerMiddleware()); app.get('/', (c) => c.json({ hello: 'world' })); " +
        'await app.fetch(request)',
      prepare: () => honoApp(true),
    },
    open: {
      setup:
        'new CircuitBreaker({ consecutiveFailures: 1, openDurationMs: 3_600_000 }), tripped by one ' +
        'failing call; breaker.execute(fn)',
      async prepare() {
        const breaker = new CircuitBreaker({ consecutiveFailures: 1, openDurationMs: anHour });
        await breaker.execute(fail).catch(() => {});
        const wire = tripwire();
        return {
          op: () => breaker.execute(wire.fn),
          check: () =>
            breaker.state === 'open' ? trippedMessage(wire) : `state is ${breaker.state}`,
        };
      },
    },
  },
  idle: {
    setup: 'new CircuitBreaker()',
    create: () => new CircuitBreaker(),
  },
  notes: [
    "The failing row uses a time window: a count window caps `minimumCalls` at its size, so under 100 % failures it always opens; a time window with a `minimumCalls` it does not reach (1,000,000, the most core allows; the row makes fewer failing calls in any 10 s) records every failure and stays closed. 10 s in 10 buckets is the shape of opossum's window.",
    'The open row trips the circuit with one failing call (`consecutiveFailures: 1`) and keeps it open for an hour.',
  ],
};
