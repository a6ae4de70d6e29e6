// Detection quality of Tripswitch's defaults (issue 8): the scenarios of tools/simulator run on a
// virtual clock with seeded noise, and every target the issue sets for the defaults is asserted,
// so that a change to the engine or its defaults cannot quietly make detection worse. The
// breaker is driven through its permit API, synchronously, so ten simulated minutes at 1,000
// calls per second take a fraction of a second. `pnpm bench:detect` runs the same scenarios
// against opossum and cockatiel. The targets of issue 16 for adaptive throttling, on the
// overload of scenario 8, are asserted the same way.
import {
  detectionTargets,
  healthy,
  type Measure,
  outageAfterHealthy,
  permitSubject,
  runOf,
  type Scenario,
  type SubjectFactory,
  seededRandom,
  simulate,
  throttlingTargets,
  variantOf,
} from '@tripswitch/simulator';
import { describe, expect, it } from 'vitest';
import { adaptiveThrottling, CircuitBreaker, type CircuitBreakerOptions } from '../src/index.ts';

/**
 * A breaker with no options but the clock, and the scenario's slow-call threshold where it sets
 * one (scenario 6: the slow-call rule is off by default).
 */
function defaultsFor(scenario: Scenario<unknown>): SubjectFactory {
  const options: CircuitBreakerOptions =
    scenario.slowCallDurationMs === undefined
      ? {}
      : { slowCallDurationMs: scenario.slowCallDurationMs };
  return breakerOn(() => options);
}

/** A breaker with the options `optionsFor()` makes for each run, reporting its transitions. */
function breakerOn(optionsFor: () => CircuitBreakerOptions): SubjectFactory {
  return (context) => {
    const breaker = new CircuitBreaker({ ...optionsFor(), clock: context });
    breaker.on('stateChange', ({ to }) => {
      if (to === 'closed' || to === 'open' || to === 'half-open') context.transition(to);
    });
    return permitSubject(breaker);
  };
}

/** Measures runs of the breakers `factoryFor` makes, simulating each run once. */
function measuring(factoryFor: (scenario: Scenario<unknown>) => SubjectFactory): Measure {
  // Several targets read the same run.
  const measured = new Map<string, unknown>();
  return <TMetrics>(scenario: Scenario<TMetrics>, rate: number, label = '') => {
    const key = `${scenario.number}/${label}/${rate}`;
    if (!measured.has(key)) {
      const variant = variantOf(scenario as Scenario<unknown>, label);
      const trace = simulate(factoryFor(scenario as Scenario<unknown>), runOf(variant, rate));
      measured.set(key, scenario.measure(trace, variant));
    }
    return measured.get(key) as TMetrics;
  };
}

const measure = measuring(defaultsFor);

// Throttling instead of opening, with its defaults and a seeded source of chance per run.
const measureThrottling = measuring(() =>
  breakerOn(() => ({ rules: [adaptiveThrottling({ random: seededRandom(16) })] })),
);

describe("detection with Tripswitch's defaults (issue 8 targets)", () => {
  it.each(detectionTargets({ halfOpenMaxCalls: 3 }).map((target) => [target.text, target]))(
    '%s',
    (_text, target) => {
      const verdict = target.judge(measure);
      expect(verdict.met, verdict.evidence).toBe(true);
    },
  );
});

describe('overload with adaptive throttling (issue 16 targets)', () => {
  it.each(throttlingTargets().map((target) => [target.text, target]))('%s', (_text, target) => {
    const verdict = target.judge(measureThrottling);
    expect(verdict.met, verdict.evidence).toBe(true);
  });
});

describe('the simulation drives the real breaker', () => {
  it('sends every call to a healthy service and records no transition', () => {
    const trace = simulate(defaultsFor(outageAfterHealthy), {
      rate: 100,
      durationMs: 10_000,
      service: healthy,
      seed: 1,
    });
    expect(trace.calls).toBe(1_000);
    expect(trace.sentAt.every((t, call) => t === trace.start[call])).toBe(true);
    expect(trace.transitions).toEqual([]);
  });

  it('reports the open the breaker made, at the time it made it', () => {
    const variant = variantOf(outageAfterHealthy);
    const trace = simulate(defaultsFor(outageAfterHealthy), runOf(variant, 100));
    const open = trace.transitions.find((t) => t.to === 'open');
    expect(open?.at).toBeGreaterThan(variant.faultAt);
    // A breaker built outside the simulation, fed the same answers in the same order, opens at
    // the same answer: the trace is the breaker's own doing, not the simulator's.
    let now = 0;
    const breaker = new CircuitBreaker({ clock: { now: () => now } });
    const answers = Array.from({ length: trace.calls }, (_, call) => call)
      .filter(
        (call) => !Number.isNaN(trace.end[call]) && (trace.end[call] as number) <= (open?.at ?? 0),
      )
      .sort((a, b) => (trace.end[a] as number) - (trace.end[b] as number) || a - b);
    const permits = new Map(answers.map((call) => [call, breaker.tryAcquire()]));
    for (const call of answers) {
      now = trace.end[call] as number;
      const permit = permits.get(call);
      if (trace.ok[call] === 1) permit?.success();
      else permit?.failure(new Error('down'));
    }
    expect(breaker.state).toBe('open');
    expect(breaker.stats().openedAt).toBe(open?.at);
  });
});
