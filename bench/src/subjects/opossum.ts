import CircuitBreaker from 'opossum';
import type { Library } from '../types.ts';
import { fail, succeed, throwFresh, trippedMessage, tripwire, work } from '../workload.ts';
import { installedVersion } from './version.ts';

/** Options every opossum breaker here gets; `notes` below says why. */
const common = { timeout: false, rollingPercentilesEnabled: false } as const;
const commonText = 'timeout: false, rollingPercentilesEnabled: false';

/** opossum: `new CircuitBreaker(fn, options)` and `fire()`. */
export const opossum: Library = {
  name: 'opossum',
  version: installedVersion('opossum'),
  rows: {
    closed: {
      setup: `new CircuitBreaker(succeed, { ${commonText} }); breaker.fire()`,
      prepare() {
        const breaker = new CircuitBreaker(succeed, { ...common });
        return {
          op: () => breaker.fire(),
          check: () => (breaker.closed ? undefined : 'the circuit is not closed'),
          dispose: () => breaker.shutdown(),
        };
      },
    },
    working: {
      setup: `new CircuitBreaker(work, { ${commonText} }); breaker.fire()`,
      prepare() {
        const breaker = new CircuitBreaker(work, { ...common });
        return {
          op: () => breaker.fire(),
          check: () => (breaker.closed ? undefined : 'the circuit is not closed'),
          dispose: () => breaker.shutdown(),
        };
      },
    },
    failing: {
      setup: `new CircuitBreaker(fail, { ${commonText}, errorThresholdPercentage: 100 }); breaker.fire()`,
      prepare() {
        const breaker = new CircuitBreaker(fail, { ...common, errorThresholdPercentage: 100 });
        return {
          op: () => breaker.fire(),
          check() {
            if (!breaker.closed) return 'the circuit is not closed';
            return breaker.stats.failures > 0 ? undefined : 'no failure was recorded';
          },
          dispose: () => breaker.shutdown(),
        };
      },
    },
    throwing: {
      setup: `new CircuitBreaker(throwFresh, { ${commonText}, errorThresholdPercentage: 100 }); breaker.fire()`,
      prepare() {
        const breaker = new CircuitBreaker(throwFresh, {
          ...common,
          errorThresholdPercentage: 100,
        });
        return {
          op: () => breaker.fire(),
          check() {
            if (!breaker.closed) return 'the circuit is not closed';
            return breaker.stats.failures > 0 ? undefined : 'no failure was recorded';
          },
          dispose: () => breaker.shutdown(),
        };
      },
    },
    open: {
      setup: `new CircuitBreaker(fn, { ${commonText}, resetTimeout: 3_600_000 }), breaker.open(); breaker.fire()`,
      prepare() {
        const wire = tripwire();
        const breaker = new CircuitBreaker(wire.fn, { ...common, resetTimeout: 3_600_000 });
        breaker.open();
        return {
          op: () => breaker.fire(),
          check: () => (breaker.opened ? trippedMessage(wire) : 'the circuit is not open'),
          dispose: () => breaker.shutdown(),
        };
      },
    },
  },
  idle: {
    setup: `new CircuitBreaker(succeed, { ${commonText} })`,
    create: () => new CircuitBreaker(succeed, { ...common }),
    dispose: (breaker) => (breaker as CircuitBreaker).shutdown(),
  },
  notes: [
    '`timeout: false`: by default opossum arms a 10 s timer for every call, and the others time nothing by default.',
    '`rollingPercentilesEnabled: false`: by default opossum keeps every latency of its window and sorts them all on each failure, a cost that grows with the call rate.',
    '`errorThresholdPercentage: 100` in the failing row: opossum opens when the error rate is strictly above the threshold, so 100 % failures never open it.',
    'The open row opens the circuit with `open()`, since the function is fixed when the breaker is built; `resetTimeout` keeps it from half-opening during the run.',
    'Each breaker, idle or not, runs two interval timers (bucket rotation and snapshots); they are part of its heap.',
  ],
};
