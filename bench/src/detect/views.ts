import {
  type BlipMetrics,
  blip,
  coldStart,
  type NoiseMetrics,
  noise,
  type OpeningMetrics,
  type OverloadMetrics,
  outageAfterHealthy,
  overload,
  partialOutage,
  type RecoveryMetrics,
  recovery,
  type Scenario,
  slowOutage,
} from '@tripswitch/simulator';
import { count, duration } from './format.ts';

/** One table of a scenario: what its cells say, and how one cell is made from the metrics. */
export interface Column {
  /** What a cell holds, for the caption above the table. */
  caption: string;
  cell(metrics: unknown): string;
}

/** How a scenario is shown in the report: one table per column kind. */
export interface View {
  scenario: Scenario<unknown>;
  tables: Column[];
}

function view<TMetrics>(
  scenario: Scenario<TMetrics>,
  tables: { caption: string; cell: (metrics: TMetrics) => string }[],
): View {
  return {
    scenario: scenario as Scenario<unknown>,
    tables: tables.map(({ caption, cell }) => ({
      caption,
      cell: (metrics) => cell(metrics as TMetrics),
    })),
  };
}

const opening = (what: string) => (m: OpeningMetrics) =>
  m.opened
    ? `${count(m.badCallsAdmitted)} ${what} · ${duration(m.timeToOpenMs ?? 0)}`
    : `never · ${count(m.badCallsAdmitted)} ${what}`;

const openingCaption = (what: string) =>
  `${what} calls let through until the circuit opened · time from the start of the fault to the open ("never": it did not open during the run)`;

const share = (part: number) => `${(part * 100).toFixed(1)} %`;

/** The report's tables, scenario by scenario, in the order of issues 8 and 16. */
export const views: readonly View[] = [
  view(outageAfterHealthy, [{ caption: openingCaption('Failing'), cell: opening('failing') }]),
  view(coldStart, [
    {
      caption: `${openingCaption('Failing')}; with one failure, the circuit must stay closed`,
      cell: opening('failing'),
    },
  ]),
  view(noise, [
    {
      caption:
        'False trips in ten minutes · calls refused (after a trip, or shed by a throttle), as time at the traffic rate',
      cell: (m: NoiseMetrics) =>
        m.trips === 0 && m.refused === 0
          ? '0'
          : `${count(m.trips)} · ${duration(m.refusedMs)} refused`,
    },
  ]),
  view(blip, [
    {
      caption:
        'Whether the blip opened the circuit · calls refused, as time at the traffic rate (each call refused costs one interval between calls)',
      cell: (m: BlipMetrics) =>
        m.opened ? `opened · ${duration(m.refusedMs)} refused` : 'stayed closed',
    },
  ]),
  view(partialOutage, [{ caption: openingCaption('Failing'), cell: opening('failing') }]),
  view(slowOutage, [{ caption: openingCaption('Slow'), cell: opening('slow') }]),
  view(recovery, [
    {
      caption:
        'Time from the service healing to the circuit closed · the open period in effect when it healed',
      cell: (m: RecoveryMetrics) => {
        if (!m.opened) return 'never opened';
        if (m.healToClosedMs === undefined) return 'never closed';
        const period =
          m.openDurationAtHealMs === undefined ? '' : ` · ${duration(m.openDurationAtHealMs)}`;
        return `${duration(m.healToClosedMs)}${period}`;
      },
    },
    {
      caption:
        'Calls refused once the service had healed, as time at the traffic rate: what catching up cost a healthy service',
      cell: (m: RecoveryMetrics) => duration(m.refusedAfterHealMs),
    },
    {
      caption:
        'Probes: calls sent into the broken service after the circuit first opened · per minute · the most after one open',
      cell: (m: RecoveryMetrics) =>
        m.opened
          ? `${count(m.probes)} · ${m.probesPerMinute.toFixed(1)}/min · ${m.maxProbesPerOpen}`
          : 'never opened',
    },
  ]),
  view(overload, [
    {
      caption:
        "Goodput: successful calls a second · in parts of the service's capacity · times the circuit opened",
      cell: (m: OverloadMetrics) =>
        `${count(Math.round(m.goodputPerSecond))}/s · ${share(m.goodputShare)} · ${count(m.opens)} opens`,
    },
    {
      caption:
        'Calls sent beyond capacity a second · in parts of the offered load · calls the breaker refused, in parts of the offered load',
      cell: (m: OverloadMetrics) =>
        `${count(Math.round(m.beyondCapacityPerSecond))}/s · ${share(m.beyondCapacityShare)} · ${share(m.refusedShare)} refused`,
    },
  ]),
];
