import type { Contender } from './contender.ts';
import { cockatielConsecutive, cockatielSampling } from './subjects/cockatiel.ts';
import { opossum } from './subjects/opossum.ts';
import { tripswitch } from './subjects/tripswitch.ts';

/** Tripswitch with no options: what the targets of issue 8 are about. */
export const tripswitchDefaults: Contender = tripswitch(
  'Tripswitch defaults',
  'new CircuitBreaker()',
);

/** Every contender, Tripswitch's defaults first. */
export const contenders: readonly Contender[] = [
  tripswitchDefaults,
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
