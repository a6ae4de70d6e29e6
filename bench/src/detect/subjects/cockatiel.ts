import type { AsyncSubject } from '@tripswitch/simulator';
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  type IBreaker,
  SamplingBreaker,
} from 'cockatiel';
import { installedVersion } from '../../subjects/version.ts';
import type { Contender } from '../contender.ts';
import { installFakeTime } from '../fake-time.ts';

const states: Record<CircuitState, 'closed' | 'open' | 'half-open'> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** cockatiel's `circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker })`, on fake time. */
function cockatiel(name: string, breakerSetup: string, breaker: () => IBreaker): Contender {
  return {
    name,
    library: `cockatiel ${installedVersion('cockatiel')}`,
    setup: `circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: ${breakerSetup} }); policy.execute(fn)`,
    halfOpenMaxCalls: 1,
    subject: () => (context) => {
      const time = installFakeTime();
      const policy = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: breaker() });
      const listener = policy.onStateChange((state) =>
        context.transition(states[state], time.now()),
      );
      const subject: AsyncSubject = {
        mode: 'async',
        call: (send) => policy.execute(send),
        advanceTo: time.advanceTo,
        dispose() {
          listener.dispose();
          time.uninstall();
        },
      };
      return subject;
    },
  };
}

/** cockatiel with the `ConsecutiveBreaker(5)` of its README. */
export const cockatielConsecutive: Contender = {
  ...cockatiel(
    'cockatiel consecutive',
    'new ConsecutiveBreaker(5)',
    () => new ConsecutiveBreaker(5),
  ),
  notes: [
    "The README's first example: opens after 5 failures in a row; `halfOpenAfter: 10_000`. Half-open, it sends one trial and holds the other calls until the trial settles, then runs or refuses them. Its `ExponentialBackoff` for `halfOpenAfter` is left out: its jitter draws from `Math.random`, which a deterministic simulation cannot seed.",
  ],
};

/** cockatiel with the `SamplingBreaker({ threshold: 0.2, duration: 30_000 })` of its README. */
export const cockatielSampling: Contender = {
  ...cockatiel(
    'cockatiel sampling',
    'new SamplingBreaker({ threshold: 0.2, duration: 30_000 })',
    () => new SamplingBreaker({ threshold: 0.2, duration: 30_000 }),
  ),
  notes: [
    "The README's example: opens when more than 20 % of the calls of the last 30 s failed, once the window holds at least 5 failures a second's worth of calls (its default `minimumRps`: 25 calls/s at a 20 % threshold, so never at 10 calls/s).",
  ],
};
