import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CallRecord,
  runScenario,
  type ScenarioResult,
  script,
  type TimelineEntry,
} from '../src/scenario.ts';
import { sleepOnTimers } from '../src/time.ts';
import { formatEntry, formatHeader, formatReport } from '../src/timeline.ts';

type StateEntry = Extract<TimelineEntry, { kind: 'state' }>;

/**
 * Runs the scenario on fake timers: `setTimeout` (the dependency's latency, the scenario's
 * pacing and the breaker's `timeoutMs` alike) and `Date` move only when the test advances them.
 */
async function runOnFakeTimers(seed?: number): Promise<ScenarioResult> {
  const run = runScenario({
    timing: { now: () => Date.now(), sleep: sleepOnTimers },
    ...(seed === undefined ? {} : { seed }),
  });
  await vi.runAllTimersAsync();
  return run;
}

const stateChanges = (result: ScenarioResult): StateEntry[] =>
  result.entries.filter((entry): entry is StateEntry => entry.kind === 'state');

const phaseStart = (result: ScenarioResult, name: string): number => {
  const entry = result.entries.find((e) => e.kind === 'phase' && e.phase.name === name);
  if (entry === undefined) throw new Error(`no phase ${name}`);
  return entry.at;
};

/** The stretches of time when the circuit was open: [opened, left open). */
function openIntervals(result: ScenarioResult): [number, number][] {
  const intervals: [number, number][] = [];
  let openedAt: number | undefined;
  for (const change of stateChanges(result)) {
    if (change.to === 'open') openedAt = change.at;
    else if (change.from === 'open' && openedAt !== undefined) {
      intervals.push([openedAt, change.at]);
      openedAt = undefined;
    }
  }
  if (openedAt !== undefined) intervals.push([openedAt, Number.POSITIVE_INFINITY]);
  return intervals;
}

describe('the core demo scenario', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens during the outage, probes with backoff, and closes after recovery', async () => {
    const result = await runOnFakeTimers();
    const changes = stateChanges(result).map(
      ({ from, to, reason }) => `${from} → ${to} (${reason})`,
    );

    expect(changes).toEqual([
      'closed → open (failure-rate)',
      'open → half-open (open-duration-elapsed)',
      'half-open → open (trial-failed)',
      'open → half-open (open-duration-elapsed)',
      'half-open → open (trial-failed)',
      'open → half-open (open-duration-elapsed)',
      'half-open → closed (trials-succeeded)',
    ]);
    const opens = stateChanges(result).filter((change) => change.to === 'open');
    expect(opens.map((change) => change.openForMs)).toEqual([500, 1_000, 2_000]);

    const outageAt = phaseStart(result, 'outage');
    const recoveredAt = phaseStart(result, 'recovered');
    const [firstOpen] = opens;
    const closed = stateChanges(result).at(-1);
    expect(firstOpen?.at).toBeGreaterThan(outageAt);
    expect(firstOpen?.at).toBeLessThan(recoveredAt);
    expect(closed?.at).toBeGreaterThan(recoveredAt);
  });

  it('keeps the same shape of transitions whatever the seed', async () => {
    for (const seed of [1, 2, 3, 42, 2024]) {
      const changes = stateChanges(await runOnFakeTimers(seed));
      expect(changes[0]).toMatchObject({ from: 'closed', to: 'open', reason: 'failure-rate' });
      expect(changes.at(-1)).toMatchObject({
        from: 'half-open',
        to: 'closed',
        reason: 'trials-succeeded',
      });
      expect(changes.at(-2)).toMatchObject({
        from: 'open',
        to: 'half-open',
        reason: 'open-duration-elapsed',
      });
      // Each change starts where the one before ended.
      for (let i = 1; i < changes.length; i++) {
        expect(changes[i]?.from).toBe(changes[i - 1]?.to);
      }
    }
  });

  it('lets no call reach the dependency while the circuit is open', async () => {
    const result = await runOnFakeTimers();
    const reached = result.calls.filter(
      (call): call is CallRecord & { sent: NonNullable<CallRecord['sent']> } =>
        call.sent !== undefined,
    );

    expect(reached.length).toBe(result.dependencyCalls);
    expect(reached.every((call) => call.sent.state !== 'open')).toBe(true);
    for (const [from, to] of openIntervals(result)) {
      expect(reached.filter((call) => call.sent.at > from && call.sent.at < to)).toEqual([]);
    }
    // While the upstream was down, the trials that reached it were at least one and at most
    // halfOpenMaxCalls (3) per half-open period.
    const outageEndsAt = phaseStart(result, 'recovered');
    const probes = stateChanges(result).filter(
      (change) => change.to === 'half-open' && change.at < outageEndsAt,
    );
    const trials = reached.filter(
      (call) => call.phase === 'outage' && call.sent.state === 'half-open',
    );
    expect(probes.length).toBeGreaterThan(0);
    expect(trials.length).toBeGreaterThanOrEqual(probes.length);
    expect(trials.length).toBeLessThanOrEqual(3 * probes.length);
  });

  it('accounts for every call, and refuses calls without waiting', async () => {
    const result = await runOnFakeTimers();
    const totalMs = script.reduce((sum, phase) => sum + phase.durationMs, 0);

    expect(result.calls).toHaveLength(totalMs / 50);
    const rejected = result.calls.filter((call) => call.outcome === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((call) => call.sent === undefined && call.durationMs === 0)).toBe(true);
    const timeouts = result.calls.filter((call) => call.outcome === 'timeout');
    expect(timeouts.length).toBeGreaterThan(0);
    expect(timeouts.every((call) => call.durationMs === 250)).toBe(true);
    expect(result.entries.at(-1)).toMatchObject({ kind: 'end', at: totalMs });
  });

  it('formats the timeline and the report', async () => {
    const result = await runOnFakeTimers();
    const text = [
      ...formatHeader(),
      ...result.entries.map(formatEntry),
      ...formatReport(result),
    ].join('\n');

    expect(text).toContain('2.000s  upstream  outage begins: every call fails');
    expect(text).toMatch(
      /breaker\s+closed → open\s+failure-rate\s+5 of the last 10 calls failed; open for 500 ms/,
    );
    expect(text).toMatch(/breaker\s+half-open → closed\s+trials-succeeded/);
    expect(text).toContain('What the breaker saved during the 3.5 s outage');
  });
});
