import { adaptiveThrottling, failureRateRule, slowCallRateRule } from '@tripswitch/core';
import { seededRandom } from '@tripswitch/simulator';
import type { Contender } from './contender.ts';
import { cockatielConsecutive, cockatielSampling } from './subjects/cockatiel.ts';
import { opossum } from './subjects/opossum.ts';
import { tripswitch } from './subjects/tripswitch.ts';

/** Tripswitch with no options: what the targets of issue 8 are about. */
export const tripswitchDefaults: Contender = tripswitch(
  'Tripswitch defaults',
  'new CircuitBreaker()',
);

// Which calls a throttle sheds is drawn from a seeded source, the same for every run.
const random = () => seededRandom(16);

/** Tripswitch shedding load instead of opening: what the targets of issue 16 are about. */
export const tripswitchThrottling: Contender = {
  ...tripswitch(
    'Tripswitch throttling',
    'new CircuitBreaker({ rules: [adaptiveThrottling()] })',
    () => ({ rules: [adaptiveThrottling({ random: random() })] }),
  ),
  notes: [
    'Adaptive throttling instead of the rules that open: `k = 1.15`, a 10 s window. It never opens the circuit, so the opening scenarios read it as a breaker that never opens; what it sheds there is counted in the calls it refused. Which calls it sheds is drawn from a seeded source (its `random` option), so the runs are reproducible.',
  ],
};

/** Every contender, Tripswitch's defaults first. */
export const contenders: readonly Contender[] = [
  tripswitchDefaults,
  tripswitchThrottling,
  {
    ...tripswitch(
      'Tripswitch defaults + throttling',
      'new CircuitBreaker({ rules: [failureRateRule(), slowCallRateRule(), adaptiveThrottling()] })',
      () => ({
        rules: [failureRateRule(), slowCallRateRule(), adaptiveThrottling({ random: random() })],
      }),
    ),
    notes: [
      'The default rules with adaptive throttling added: it opens on an outage as the defaults do, and sheds the excess of an overload rather than opening.',
    ],
  },
  {
    ...tripswitch(
      'Tripswitch 10 s window',
      "new CircuitBreaker({ window: { type: 'time', durationMs: 10_000 } })",
      { window: { type: 'time', durationMs: 10_000 } },
    ),
    notes: [
      "A 10 s time window (10 buckets), the shape of opossum's window, with Tripswitch's other defaults: what a user who wants a rate over time rather than over the last calls might choose.",
    ],
  },
  {
    ...tripswitch('Tripswitch fixed 5 s', 'new CircuitBreaker({ openDurationMs: 5_000 })', {
      openDurationMs: 5_000,
    }),
    notes: [
      'A fixed open duration of 5 s, without backoff, for the probe cost of scenario 7 with and without backoff.',
    ],
  },
  opossum,
  cockatielConsecutive,
  cockatielSampling,
];

/** Tripswitch's defaults driven through `execute()`, to check it matches the permit driver. */
export const tripswitchDefaultsThroughExecute: Contender = tripswitch(
  'Tripswitch defaults, execute()',
  'new CircuitBreaker(); breaker.execute(fn)',
  {},
  'execute',
);
