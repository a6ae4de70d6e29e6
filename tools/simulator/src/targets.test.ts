import { describe, expect, it } from 'vitest';
import type { BlipMetrics, NoiseMetrics, OpeningMetrics, RecoveryMetrics } from './measures.ts';
import { runOf, type Scenario, variantOf } from './scenario.ts';
import { simulate } from './simulate.ts';
import type { SubjectFactory } from './subject.ts';
import { detectionTargets, type Measure } from './targets.ts';

const opening: OpeningMetrics = {
  opened: true,
  timeToOpenMs: 100,
  badCallsAdmitted: 10,
  badAnswersBeforeOpen: 10,
};
const quiet: NoiseMetrics = { trips: 0, refused: 0, refusedMs: 0 };
const cheapBlip: BlipMetrics = {
  opened: true,
  refused: 100,
  refusedMs: 1_000,
  closedAfterHealMs: 900,
};
const recovered: RecoveryMetrics = {
  opened: true,
  probes: 4,
  probesPerMinute: 8,
  opens: 5,
  maxProbesPerOpen: 3,
  healToClosedMs: 1_000,
  openDurationAtHealMs: 16_000,
  closedOnFirstHalfOpen: true,
  refusedAfterHealMs: 1_000,
};

/** Metrics that meet every target, with `change` applied where it says. */
function stub(
  change: (scenario: number, label: string, rate: number) => object | undefined = () => undefined,
): Measure {
  return <TMetrics>(scenario: Scenario<TMetrics>, rate: number, label = '') => {
    const base =
      scenario.number === 3
        ? quiet
        : scenario.number === 4
          ? cheapBlip
          : scenario.number === 7
            ? recovered
            : label === 'one failure'
              ? { ...opening, opened: false, timeToOpenMs: undefined }
              : opening;
    return { ...base, ...change(scenario.number, label, rate) } as TMetrics;
  };
}

const targets = detectionTargets({ halfOpenMaxCalls: 3 });

describe('detectionTargets', () => {
  it('lists the targets of issue 8, scenario by scenario', () => {
    expect(targets.map((t) => t.scenario)).toEqual([1, 1, 2, 2, 3, 4, 5, 6, 7, 7]);
    expect(targets[9]?.text).toContain('at most 3 trial calls');
  });

  it('finds every target met by metrics that meet them', () => {
    for (const target of targets) expect(target.judge(stub())).toMatchObject({ met: true });
  });

  it.each([
    [0, 1, '', 1000, { badCallsAdmitted: 21 }, '1000/s: opened only after 21 failing calls'],
    [1, 1, '', 100, { timeToOpenMs: 1_001 }, '100/s: opened only after 1.00 s'],
    [2, 2, 'one failure', 10, { opened: true, badAnswersBeforeOpen: 1 }, 'opened after 1 failure'],
    [3, 2, 'outage', 10, { opened: false }, '10/s: never opened'],
    [4, 3, '5 %', 1000, { trips: 1 }, '5 % at 1000/s: 1 trip'],
    [5, 4, '', 100, { refusedMs: 5_010, refused: 501 }, '100/s: 501 refused (5.01 s)'],
    [6, 5, '', 1000, { timeToOpenMs: undefined }, '1000/s: never opened'],
    [7, 6, '', 100, { timeToOpenMs: 5_001 }, '100/s: opened only after 5.00 s'],
    [8, 7, '30 s outage', 10, { healToClosedMs: 16_400 }, 'closed 16.40 s after healing'],
    [8, 7, '5 min outage', 10, { closedOnFirstHalfOpen: false }, '5 min outage at 10/s'],
    [9, 7, '30 s outage', 1000, { maxProbesPerOpen: 4 }, 'at most 4 per period'],
  ] as const)(
    'target %i fails when scenario %i %s at %i/s reads %o',
    (index, scenario, label, rate, change, evidence) => {
      const measure = stub((s, l, r) =>
        s === scenario && l === label && r === rate ? change : undefined,
      );
      const verdict = targets[index]?.judge(measure);
      expect(verdict?.met).toBe(false);
      expect(verdict?.evidence).toContain(evidence);
    },
  );

  it('judges no breaker at all: it never opens, so it never trips, and meets only those targets', () => {
    const noBreaker: SubjectFactory = () => ({ mode: 'sync', admit: () => () => {} });
    const measure: Measure = <TMetrics>(scenario: Scenario<TMetrics>, rate: number, label = '') => {
      const variant = variantOf(scenario as Scenario<unknown>, label);
      return scenario.measure(simulate(noBreaker, runOf(variant, rate)), variant);
    };
    const met = targets.filter((t) => t.judge(measure).met).map((t) => t.text);
    expect(met).toEqual([
      'Scenario 2: a single failure does not open a new circuit',
      'Scenario 3: no false trip at 1 % and 5 % noise, at every rate, in 10 minutes',
      'Scenario 4: a 200 ms blip costs at most 5 s of refused calls, at every rate',
      'Scenario 7: at most 3 trial calls (`halfOpenMaxCalls`) per open period while the service is down',
    ]);
  });
});
