import type { OpeningMetrics, OverloadMetrics } from './measures.ts';
import { rates, type Scenario } from './scenario.ts';
import {
  blip,
  coldStart,
  noise,
  outageAfterHealthy,
  overload,
  partialOutage,
  recovery,
  slowOutage,
} from './scenarios.ts';
import { failingLatencyMs, healthyLatencyMs } from './service.ts';

/** Whether a breaker meets a target, and the numbers that say so. */
export interface Verdict {
  readonly target: string;
  readonly met: boolean;
  readonly evidence: string;
}

/**
 * The metrics of one breaker for `scenario`'s variant `label` at `rate` calls per second: a run,
 * or a look-up of one made before.
 */
export type Measure = <TMetrics>(
  scenario: Scenario<TMetrics>,
  rate: number,
  label?: string,
) => TMetrics;

/** A detection target of issue 8, judged on one breaker's metrics. */
export interface Target {
  /** The scenario it is about. */
  readonly scenario: number;
  readonly text: string;
  judge(measure: Measure): Verdict;
}

/** What the targets need to know of the breaker they judge. */
export interface TargetSettings {
  /** Trial calls a half-open circuit admits (Tripswitch's default: 3). */
  readonly halfOpenMaxCalls: number;
}

const busyRates = rates.filter((rate) => rate >= 100);

/**
 * The targets issue 8 sets for Tripswitch's defaults, as checks over the scenarios' metrics.
 *
 * @example
 * ```ts
 * for (const target of detectionTargets({ halfOpenMaxCalls: 3 })) {
 *   const verdict = target.judge(measure);
 *   console.log(verdict.met ? 'met' : 'NOT MET', verdict.target, verdict.evidence);
 * }
 * ```
 */
export function detectionTargets(settings: TargetSettings): readonly Target[] {
  return [
    opening(outageAfterHealthy, '', rates, 'opens within 20 failing calls at every rate', (m) =>
      m.opened && m.badCallsAdmitted <= 20 ? undefined : calls(m),
    ),
    opening(outageAfterHealthy, '', busyRates, 'opens within 1 s at 100/s and 1,000/s', (m) =>
      m.timeToOpenMs !== undefined && m.timeToOpenMs <= 1_000 ? undefined : time(m),
    ),
    opening(coldStart, 'one failure', rates, 'a single failure does not open a new circuit', (m) =>
      m.opened ? `opened after ${plural(m.badAnswersBeforeOpen, 'failure')}` : undefined,
    ),
    opening(
      coldStart,
      'outage',
      rates,
      'an outage opens a new circuit within 20 failing calls',
      (m) => (m.opened && m.badCallsAdmitted <= 20 ? undefined : calls(m)),
    ),
    {
      scenario: noise.number,
      text: 'Scenario 3: no false trip at 1 % and 5 % noise, at every rate, in 10 minutes',
      judge(measure) {
        const cells = ['1 %', '5 %'].flatMap((label) =>
          rates.map((rate) => {
            const { trips } = measure(noise, rate, label);
            return { ok: trips === 0, text: `${label} at ${rate}/s: ${plural(trips, 'trip')}` };
          }),
        );
        return verdict(this.text, cells);
      },
    },
    {
      scenario: blip.number,
      text: 'Scenario 4: a 200 ms blip costs at most 5 s of refused calls, at every rate',
      judge(measure) {
        const cells = rates.map((rate) => {
          const { refused, refusedMs } = measure(blip, rate);
          return {
            ok: refusedMs <= 5_000,
            text: `${rate}/s: ${refused} refused (${seconds(refusedMs)})`,
          };
        });
        return verdict(this.text, cells);
      },
    },
    opening(partialOutage, '', busyRates, 'opens within 5 s at 100/s and 1,000/s', (m) =>
      m.timeToOpenMs !== undefined && m.timeToOpenMs <= 5_000 ? undefined : time(m),
    ),
    opening(
      slowOutage,
      '',
      busyRates,
      'with `slowCallDurationMs: 1000`, opens within 5 s at 100/s and 1,000/s',
      (m) => (m.timeToOpenMs !== undefined && m.timeToOpenMs <= 5_000 ? undefined : time(m)),
    ),
    {
      scenario: recovery.number,
      text:
        'Scenario 7: once the service is healthy, closes within one open duration plus the ' +
        'trial calls',
      judge(measure) {
        const cells = recovery.variants.flatMap(({ label }) =>
          rates.map((rate) => {
            const m = measure(recovery, rate, label);
            // The trials go out one call apart and take a healthy call's time; a trial sent just
            // before healing may still fail, which adds a failing call's time.
            const trialsMs =
              ((settings.halfOpenMaxCalls - 1) * 1000) / rate +
              healthyLatencyMs +
              failingLatencyMs.max;
            const bound =
              m.openDurationAtHealMs === undefined ? undefined : m.openDurationAtHealMs + trialsMs;
            const ok =
              m.closedOnFirstHalfOpen &&
              m.healToClosedMs !== undefined &&
              bound !== undefined &&
              m.healToClosedMs <= bound;
            const closed = m.healToClosedMs === undefined ? 'never' : seconds(m.healToClosedMs);
            return {
              ok,
              text: `${label} at ${rate}/s: closed ${closed} after healing, bound ${
                bound === undefined ? '—' : seconds(bound)
              }`,
            };
          }),
        );
        return verdict(this.text, cells);
      },
    },
    {
      scenario: recovery.number,
      text: `Scenario 7: at most ${settings.halfOpenMaxCalls} trial calls (\`halfOpenMaxCalls\`) per open period while the service is down`,
      judge(measure) {
        const cells = recovery.variants.flatMap(({ label }) =>
          rates.map((rate) => {
            const m = measure(recovery, rate, label);
            return {
              ok: m.maxProbesPerOpen <= settings.halfOpenMaxCalls,
              text: `${label} at ${rate}/s: at most ${m.maxProbesPerOpen} per period, ${m.probes} in all`,
            };
          }),
        );
        return verdict(this.text, cells);
      },
    },
  ];
}

/**
 * The targets issue 16 sets for a breaker that throttles (Tripswitch with `adaptiveThrottling`),
 * on the overload of scenario 8: it gets nearly all the work done the service can do, and sends
 * it little beyond that.
 *
 * @example
 * ```ts
 * const verdicts = throttlingTargets().map((target) => target.judge(measure));
 * ```
 */
export function throttlingTargets(): readonly Target[] {
  return [
    overloadTarget('goodput at least 90 % of capacity', (m) => ({
      ok: m.goodputShare >= 0.9,
      text: `goodput ${m.goodputPerSecond.toFixed(0)}/s, ${percent(m.goodputShare)} of capacity`,
    })),
    overloadTarget('calls sent beyond capacity at most 10 % of the offered load', (m) => ({
      ok: m.beyondCapacityShare <= 0.1,
      text: `${m.beyondCapacityPerSecond.toFixed(0)}/s sent beyond capacity, ${percent(
        m.beyondCapacityShare,
      )} of the offered load`,
    })),
  ];
}

function overloadTarget(
  what: string,
  cell: (m: OverloadMetrics) => { ok: boolean; text: string },
): Target {
  const text = `Scenario ${overload.number}: ${what}`;
  return {
    scenario: overload.number,
    text,
    judge(measure) {
      const at = overload.rates ?? rates;
      return verdict(
        text,
        at.map((rate) => {
          const { ok, text: evidence } = cell(measure(overload, rate));
          return { ok, text: `${rate}/s: ${evidence}` };
        }),
      );
    },
  };
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** A target on {@link OpeningMetrics}: `problem` returns what is wrong, or undefined. */
function opening(
  scenario: Scenario<OpeningMetrics>,
  label: string,
  at: readonly number[],
  what: string,
  problem: (m: OpeningMetrics) => string | undefined,
): Target {
  const text = `Scenario ${scenario.number}: ${what}`;
  return {
    scenario: scenario.number,
    text,
    judge(measure) {
      const cells = at.map((rate) => {
        const m = measure(scenario, rate, label);
        const wrong = problem(m);
        return { ok: wrong === undefined, text: `${rate}/s: ${wrong ?? summary(m)}` };
      });
      return verdict(text, cells);
    },
  };
}

function verdict(target: string, cells: readonly { ok: boolean; text: string }[]): Verdict {
  const bad = cells.filter((c) => !c.ok);
  return {
    target,
    met: bad.length === 0,
    evidence: (bad.length === 0 ? cells : bad).map((c) => c.text).join('; '),
  };
}

function summary(m: OpeningMetrics): string {
  if (!m.opened) return `did not open (${plural(m.badCallsAdmitted, 'bad call')} through)`;
  return `opened after ${plural(m.badCallsAdmitted, 'bad call')}, in ${seconds(m.timeToOpenMs ?? 0)}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function calls(m: OpeningMetrics): string {
  return m.opened
    ? `opened only after ${plural(m.badCallsAdmitted, 'failing call')}`
    : `never opened (${plural(m.badCallsAdmitted, 'failing call')} through)`;
}

function time(m: OpeningMetrics): string {
  return m.timeToOpenMs === undefined
    ? 'never opened'
    : `opened only after ${seconds(m.timeToOpenMs)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 1000 ? 3 : 2)} s`;
}
