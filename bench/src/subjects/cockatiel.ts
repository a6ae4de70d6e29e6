import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import type { Library } from '../types.ts';
import { fail, succeed, throwFresh, trippedMessage, tripwire, work } from '../workload.ts';
import { installedVersion } from './version.ts';

/** cockatiel: `circuitBreaker(handleAll, { halfOpenAfter, breaker })` and `execute(fn)`. */
export const cockatiel: Library = {
  name: 'cockatiel',
  version: installedVersion('cockatiel'),
  rows: {
    closed: {
      setup:
        'circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }); ' +
        'policy.execute(succeed)',
      prepare() {
        const policy = circuitBreaker(handleAll, {
          halfOpenAfter: 10_000,
          breaker: new ConsecutiveBreaker(5),
        });
        return {
          op: () => policy.execute(succeed),
          check: () =>
            policy.state === CircuitState.Closed ? undefined : 'the circuit is not closed',
        };
      },
    },
    working: {
      setup:
        'circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }); ' +
        'policy.execute(work)',
      prepare() {
        const policy = circuitBreaker(handleAll, {
          halfOpenAfter: 10_000,
          breaker: new ConsecutiveBreaker(5),
        });
        return {
          op: () => policy.execute(work),
          check: () =>
            policy.state === CircuitState.Closed ? undefined : 'the circuit is not closed',
        };
      },
    },
    failing: {
      setup:
        'circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(Infinity) }); ' +
        'policy.execute(fail)',
      prepare() {
        const counter = new ConsecutiveBreaker(Number.POSITIVE_INFINITY);
        const policy = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: counter });
        return {
          op: () => policy.execute(fail),
          check() {
            if (policy.state !== CircuitState.Closed) return 'the circuit is not closed';
            return counter.state > 0 ? undefined : 'no failure was recorded';
          },
        };
      },
    },
    throwing: {
      setup:
        'circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(Infinity) }); ' +
        'policy.execute(throwFresh)',
      prepare() {
        const counter = new ConsecutiveBreaker(Number.POSITIVE_INFINITY);
        const policy = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: counter });
        return {
          op: () => policy.execute(throwFresh),
          check() {
            if (policy.state !== CircuitState.Closed) return 'the circuit is not closed';
            return counter.state > 0 ? undefined : 'no failure was recorded';
          },
        };
      },
    },
    open: {
      setup:
        'circuitBreaker(handleAll, { halfOpenAfter: 3_600_000, breaker: new ConsecutiveBreaker(1) }), ' +
        'tripped by one failing call; policy.execute(fn)',
      async prepare() {
        const policy = circuitBreaker(handleAll, {
          halfOpenAfter: 3_600_000,
          breaker: new ConsecutiveBreaker(1),
        });
        await policy.execute(fail).catch(() => {});
        const wire = tripwire();
        return {
          op: () => policy.execute(wire.fn),
          check: () =>
            policy.state === CircuitState.Open ? trippedMessage(wire) : 'the circuit is not open',
        };
      },
    },
  },
  idle: {
    setup:
      'circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) })',
    create: () =>
      circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  },
  notes: [
    '`ConsecutiveBreaker(5)` as in its README; in the failing row `ConsecutiveBreaker(Infinity)` counts every failure and never reaches its threshold.',
    'The open row trips the circuit with one failing call (`ConsecutiveBreaker(1)`) and keeps it open for an hour.',
  ],
};
