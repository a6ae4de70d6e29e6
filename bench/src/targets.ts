import { type Results, speedup, vsBare, vsFloor, vsSkeleton } from './results.ts';

/** Whether a target of the project is met by a run, and the numbers that say so. */
export interface Verdict {
  target: string;
  met: boolean;
  evidence: string;
}

/** A verdict as a line of the report printed on the terminal. */
export function verdictText(v: Readonly<Verdict>): string {
  return `${v.met ? 'MET    ' : 'NOT MET'}  ${v.target}: ${v.evidence}`;
}

/** A verdict as an item of a Markdown list, for BENCHMARKS.md. */
export function verdictMarkdown(v: Readonly<Verdict>): string {
  return `- ${v.met ? '✅ met' : '❌ not met'}: ${v.target} — ${v.evidence}.`;
}

/** The most a closed-state successful call may cost, in multiples of the bare call. */
export const closedOverheadLimit = 1.3;
/**
 * The most each engine row may cost, in multiples of its floor (issue 16): a successful call,
 * a failing call with a new Error, a refusal.
 */
export const floorLimits: Readonly<Record<string, number>> = {
  closed: 1.3,
  throwing: 1.1,
  open: 1.2,
};
/** The most heap an idle breaker may take, in bytes. */
export const idleHeapLimit = 512;

const x = (ratio: number) => `${ratio.toFixed(2)}×`;

/** Judges a run against the project's performance targets. */
export function judge(results: Results): Verdict[] {
  return [
    ...Object.entries(floorLimits).map(([rowId, limit]) => nearFloor(results, rowId, limit)),
    closedOverhead(results, 'working', 'of a function parsing 1 KB of JSON'),
    fasterEverywhere(results),
    idleHeap(results),
  ];
}

function nearFloor(results: Results, rowId: string, limit: number): Verdict {
  const row = results.rows.find((r) => r.row.id === rowId);
  const target = `${row?.row.title ?? rowId} within ${limit}× of its floor`;
  const ratio = row && vsFloor(results, row);
  if (row === undefined || ratio === undefined) {
    return { target, met: false, evidence: 'not measured' };
  }
  const bare = vsBare(results, row, results.ours);
  const skeleton = vsFloor(results, row, results.skeleton);
  const own = vsSkeleton(results, row);
  return {
    target,
    met: ratio <= limit,
    evidence:
      `${results.ours.name} ÷ floor = ${x(ratio)}` +
      (bare === undefined ? '' : ` (÷ bare = ${x(bare)})`) +
      (skeleton === undefined || own === undefined
        ? ''
        : `; a breaker with no bookkeeping (the ${results.skeleton.name}) ÷ floor = ${x(skeleton)}, and ${results.ours.name} ÷ ${results.skeleton.name} = ${x(own)}`),
  };
}

function closedOverhead(results: Results, rowId: string, what: string): Verdict {
  const target = `Closed-state successful call ${what} within ${closedOverheadLimit}× of the bare call`;
  const row = results.rows.find((r) => r.row.id === rowId);
  const ratio = row && vsBare(results, row, results.ours);
  if (ratio === undefined) return { target, met: false, evidence: 'not measured' };
  return {
    target,
    met: ratio <= closedOverheadLimit,
    evidence: `${results.ours.name} ÷ bare = ${x(ratio)}`,
  };
}

function fasterEverywhere(results: Results): Verdict {
  const names = results.peers.map((p) => p.name).join(' and ');
  const target = `${results.ours.name} faster than ${names} on every row`;
  const slower: string[] = [];
  const all: string[] = [];
  for (const row of results.rows) {
    for (const peer of results.peers) {
      const ratio = speedup(results, row, peer);
      if (ratio === undefined) continue;
      all.push(`${row.row.title} vs ${peer.name}: ${x(ratio)}`);
      if (!(ratio > 1)) slower.push(`${row.row.title} vs ${peer.name} (${x(ratio)})`);
    }
  }
  if (all.length === 0) return { target, met: false, evidence: 'not measured' };
  return {
    target,
    met: slower.length === 0,
    evidence:
      slower.length === 0
        ? `speed-ups (peer ÷ ${results.ours.name}): ${all.join('; ')}`
        : `not faster on: ${slower.join('; ')}`,
  };
}

function idleHeap(results: Results): Verdict {
  const target = `An idle ${results.ours.name} breaker under ${idleHeapLimit} bytes of heap`;
  const cost = results.heap.find((h) => h.library === results.ours)?.cost;
  if (cost === undefined) return { target, met: false, evidence: 'not measured' };
  return {
    target,
    met: cost.heapBytes < idleHeapLimit,
    evidence: `${Math.round(cost.heapBytes)} bytes per breaker`,
  };
}
