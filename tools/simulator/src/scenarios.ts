import type { Capacity } from './capacity.ts';
import {
  type BlipMetrics,
  failed,
  measureBlip,
  measureNoise,
  measureOpening,
  measureOverload,
  measureRecovery,
  type NoiseMetrics,
  type OpeningMetrics,
  type OverloadMetrics,
  type RecoveryMetrics,
  slowerThan,
} from './measures.ts';
import type { Scenario, Variant } from './scenario.ts';
import { down, flaky, healthy, phases, slow } from './service.ts';

/** A healthy minute before the fault, so that every window is full of successes. */
const healthyMinute = 60_000;

/** 1. A total outage after a healthy minute. */
export const outageAfterHealthy: Scenario<OpeningMetrics> = {
  number: 1,
  title: 'Total outage after 60 s healthy',
  description:
    'The service answers every call in 20 ms for a minute, then refuses every call (1 to 5 ms). ' +
    'Failing calls let through before the circuit opens, and the time until it opens.',
  variants: [
    {
      label: '',
      durationMs: healthyMinute + 30_000,
      service: phases(healthy, { from: healthyMinute, service: down }),
      seed: 1,
      faultAt: healthyMinute,
    },
  ],
  measure: (trace, variant) => measureOpening(trace, variant.faultAt, failed),
};

/** 2. A total outage from a cold start, and a single failure from a cold start. */
export const coldStart: Scenario<OpeningMetrics> = {
  number: 2,
  title: 'Total outage from a cold start',
  description:
    'A new breaker meets a service that is down from the first call; and, separately, a service ' +
    'whose very first call fails and every later one succeeds, which must not open the circuit.',
  variants: [
    { label: 'outage', durationMs: 30_000, service: down, seed: 2, faultAt: 0 },
    {
      label: 'one failure',
      durationMs: 30_000,
      service: phases(down, { from: 1, service: healthy }),
      seed: 2,
      faultAt: 0,
    },
  ],
  measure: (trace, variant) => measureOpening(trace, variant.faultAt, failed),
};

const noiseVariant = (percent: number): Variant => ({
  label: `${percent} %`,
  durationMs: 600_000,
  service: flaky(percent / 100),
  seed: 300 + percent,
  faultAt: 0,
});

/** 3. Background noise on a healthy service, for ten minutes. */
export const noise: Scenario<NoiseMetrics> = {
  number: 3,
  title: 'Background noise',
  description:
    'For ten minutes 1 %, 5 % or 10 % of calls fail at random (seeded); the service is otherwise ' +
    'healthy, so every open is a false trip. Times the circuit opened, and calls it refused.',
  variants: [noiseVariant(1), noiseVariant(5), noiseVariant(10)],
  measure: (trace) => measureNoise(trace),
};

const blipStart = healthyMinute;
const blipEnd = healthyMinute + 200;

/** 4. A 200 ms blip of total failure in healthy traffic. */
export const blip: Scenario<BlipMetrics> = {
  number: 4,
  title: 'A 200 ms blip',
  description:
    'After a healthy minute, every call fails for 200 ms, then the service is healthy again. ' +
    'Whether the circuit opened, and the calls it refused (as time at the traffic rate).',
  variants: [
    {
      label: '',
      durationMs: healthyMinute + 40_000,
      service: phases(
        healthy,
        { from: blipStart, service: down },
        { from: blipEnd, service: healthy },
      ),
      seed: 4,
      faultAt: blipStart,
      healAt: blipEnd,
    },
  ],
  measure: (trace, variant) => measureBlip(trace, variant.faultAt, variant.healAt ?? blipEnd),
};

/** 5. A partial outage: 60 % of calls fail. */
export const partialOutage: Scenario<OpeningMetrics> = {
  number: 5,
  title: 'Partial outage, 60 % of calls fail',
  description:
    'After a healthy minute, 60 % of calls fail at random (seeded). Time until the circuit ' +
    'opens, and failing calls let through until then.',
  variants: [
    {
      label: '',
      durationMs: healthyMinute + 30_000,
      service: phases(healthy, { from: healthyMinute, service: flaky(0.6) }),
      seed: 5,
      faultAt: healthyMinute,
    },
  ],
  measure: (trace, variant) => measureOpening(trace, variant.faultAt, failed),
};

/** The slow-call threshold scenario 6 gives breakers that have a slow-call rule. */
export const slowCallDurationMs = 1_000;

/** 6. A slow outage: latency jumps from 20 ms to 3 s, with no errors. */
export const slowOutage: Scenario<OpeningMetrics> = {
  number: 6,
  title: 'Slow outage: 20 ms to 3 s, no errors',
  description:
    'After a healthy minute, every call succeeds but takes 3 s. Breakers with a slow-call rule ' +
    'get a threshold of 1 s (`slowCallDurationMs: 1000`); time until the circuit opens, and slow ' +
    'calls let through until then.',
  variants: [
    {
      label: '',
      durationMs: healthyMinute + 30_000,
      service: phases(healthy, { from: healthyMinute, service: slow(3_000) }),
      seed: 6,
      faultAt: healthyMinute,
    },
  ],
  slowCallDurationMs,
  measure: (trace, variant) =>
    measureOpening(trace, variant.faultAt, slowerThan(slowCallDurationMs)),
};

const recoveryVariant = (label: string, outageMs: number): Variant => ({
  label,
  durationMs: healthyMinute + outageMs + 60_000,
  service: phases(
    healthy,
    { from: healthyMinute, service: down },
    { from: healthyMinute + outageMs, service: healthy },
  ),
  seed: 7,
  faultAt: healthyMinute,
  healAt: healthyMinute + outageMs,
});

/** 7. Recovery: the service heals after an outage of 30 s (and, for the probe cost, 5 min). */
export const recovery: Scenario<RecoveryMetrics> = {
  number: 7,
  title: 'Recovery',
  description:
    'After a healthy minute the service is down for 30 s (or 5 min), then healthy again. Time ' +
    'from healing until the circuit is closed, and the calls sent into the still-broken ' +
    'service after the circuit first opened (probes), per minute and per open period.',
  variants: [recoveryVariant('30 s outage', 30_000), recoveryVariant('5 min outage', 300_000)],
  measure: (trace, variant) =>
    measureRecovery(trace, variant.faultAt, variant.healAt ?? variant.durationMs),
};

/** What the service of scenario 8 can answer: half the offered load, a burst of 20 ms' worth. */
export const overloadCapacity: Capacity = { callsPerSecond: 500, burst: 10 };

/** 8. Overload: offered twice what the service can answer, for a minute. */
export const overload: Scenario<OverloadMetrics> = {
  number: 8,
  title: 'Overload: 1,000 calls a second to a service that can answer 500',
  description:
    'The service answers up to 500 calls a second (a token bucket refilled at that rate, holding ' +
    '10: 20 ms of capacity) in 20 ms each, and refuses every call beyond that at once (a 503 in 1 ' +
    'to 5 ms); it is offered 1,000 calls a second for a minute. The goodput (successful calls a ' +
    'second), and the calls sent beyond capacity, which only cost the service work.',
  variants: [
    {
      label: '',
      durationMs: 60_000,
      service: healthy,
      seed: 8,
      faultAt: 0,
      capacity: overloadCapacity,
    },
  ],
  rates: [1000],
  measure: (trace) => measureOverload(trace, overloadCapacity.callsPerSecond),
};

/** Every scenario: the seven of issue 8, then overload (issue 16). */
export const scenarios: readonly Scenario<unknown>[] = [
  outageAfterHealthy,
  coldStart,
  noise,
  blip,
  partialOutage,
  slowOutage,
  recovery,
  overload,
];
