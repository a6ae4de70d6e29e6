import type { BreakerRegistry } from '@tripswitch/core';
import type { Chaos, Upstream } from 'upstream';
import type { CallResult, DemoClient } from './clients.ts';
import type { Timing } from './timing.ts';

/** A stretch of the scenario during which the upstream behaves one way. */
export interface Phase {
  name: string;
  /** What the upstream is told at the start of the phase. */
  chaos: Partial<Chaos>;
  /** How it reads in the timeline. */
  description: string;
  /** The shortest the phase lasts. */
  minMs: number;
  /** The longest it lasts; it ends earlier, after `minMs`, once `done()` says so. */
  maxMs: number;
  done?: () => boolean;
}

/** One call of the demo traffic. */
export interface CallRecord {
  client: string;
  phase: string;
  latencyMs: number;
  result: CallResult;
}

/** A line of the timeline. */
export interface TimelineEntry {
  atMs: number;
  source: string;
  text: string;
}

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  timing: Timing;
  upstream: Upstream;
  clients: readonly DemoClient[];
  /** The registries whose state changes go into the timeline, by the label to show them under. */
  registries: ReadonlyMap<string, BreakerRegistry>;
  phases: readonly Phase[];
  /** Milliseconds between two calls of one client. */
  intervalMs: number;
  /** Start each call without waiting for the previous one (real runs); tests wait, to be exact. */
  overlap: boolean;
  /** Called with each timeline entry as it happens. */
  onEntry?: (entry: TimelineEntry) => void;
}

/** What a run produced: every call, the timeline, and what the upstream received per phase. */
export interface ScenarioResult {
  calls: CallRecord[];
  timeline: TimelineEntry[];
  /** Requests the upstream received, per phase, per client label. */
  reached: Map<string, Map<string, number>>;
}

/**
 * Runs the phases in order while every client calls the upstream at a steady rate, and records
 * what happened: each call's result and latency, each breaker state change, and how many
 * requests actually reached the upstream from each client.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { timing, upstream, clients, registries, phases, intervalMs, overlap, onEntry } = options;
  const start = timing.now();
  const calls: CallRecord[] = [];
  const timeline: TimelineEntry[] = [];
  const reached = new Map<string, Map<string, number>>();
  const note = (source: string, text: string): void => {
    const entry = { atMs: timing.now() - start, source, text };
    timeline.push(entry);
    onEntry?.(entry);
  };
  const unsubscribe = [...registries].map(([label, registry]) =>
    registry.on('stateChange', ({ name, from, to, reason }) => {
      const breaker = name.startsWith('http') ? 'upstream' : name;
      note(`${label}`, `${breaker}: ${from} → ${to} (${reason})`);
    }),
  );

  let n = 0;
  const pending = new Set<Promise<void>>();
  try {
    for (const phase of phases) {
      upstream.setChaos(phase.chaos);
      note('upstream', `${phase.name}: ${phase.description}`);
      const before = new Map(clients.map((c) => [c.label, upstream.requestsFrom(c.upstreamName)]));
      const phaseStart = timing.now();
      while (true) {
        const elapsed = timing.now() - phaseStart;
        if (elapsed >= phase.maxMs || (elapsed >= phase.minMs && (phase.done?.() ?? true))) break;
        n++;
        for (const client of clients) {
          const call = measure(client, n, phase.name, timing).then((record) => {
            calls.push(record);
          });
          if (overlap) {
            pending.add(call);
            void call.finally(() => pending.delete(call));
          } else {
            await call;
          }
        }
        await timing.sleep(intervalMs);
      }
      await Promise.all(pending);
      reached.set(
        phase.name,
        new Map(
          clients.map((c) => [
            c.label,
            upstream.requestsFrom(c.upstreamName) - (before.get(c.label) ?? 0),
          ]),
        ),
      );
    }
  } finally {
    for (const off of unsubscribe) off();
  }
  note('demo', 'done');
  return { calls, timeline, reached };
}

async function measure(
  client: DemoClient,
  n: number,
  phase: string,
  timing: Timing,
): Promise<CallRecord> {
  const startedAt = timing.now();
  const result = await client.call(n);
  return { client: client.label, phase, latencyMs: timing.now() - startedAt, result };
}
