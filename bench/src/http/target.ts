import type { Verdict } from '../targets.ts';
import { expressPair } from './express-pair.ts';
import { fastifyPair } from './fastify-pair.ts';
import { fetchPair, undiciPair } from './fetch-pair.ts';
import { honoPair } from './hono-pair.ts';
import { againstFloor, cpuPerRequest, type HttpResults, keptRatio, ratioRange } from './results.ts';
import type { HttpPair } from './types.ts';

/** The least share of the bare throughput a guarded route or client must keep. */
export const middlewareKeepsAtLeast = 0.98;

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

/**
 * Judges the run against the project's HTTP targets: the Express and Hono middlewares, the
 * Fastify plugin, and the fetch wrapper and undici interceptor, each keep at least 98 % of the
 * bare throughput.
 */
export function judgeHttp(results: HttpResults): Verdict[] {
  return [
    judgePair(results, expressPair, 'An Express route with breakerMiddleware()', 'server'),
    judgePair(results, fastifyPair, 'A Fastify route with breakerPlugin', 'server'),
    judgePair(results, honoPair, 'A Hono route with breakerMiddleware()', 'server'),
    judgePair(results, fetchPair, 'fetch calls through withBreaker(fetch)', 'client'),
    judgePair(results, undiciPair, 'undici fetch through breakerInterceptor()', 'client'),
  ];
}

function judgePair(results: HttpResults, pair: HttpPair, subject: string, side: string): Verdict {
  const target = `${subject} keeps at least ${middlewareKeepsAtLeast * 100} % of its bare throughput`;
  const measured = results.pairs.find((p) => p.pair === pair);
  if (measured === undefined || measured.series.with.rps.length === 0) {
    return { target, met: false, evidence: 'not measured' };
  }
  const ratio = keptRatio(measured.series);
  const [low, high] = ratioRange(measured.series);
  const [cpu, added] = cpuPerRequest(measured.series);
  const floor = againstFloor(measured.series);
  const beyondFloor =
    floor === undefined
      ? ''
      : `; the floor (${pair.floor?.description}, no breaker) keeps ${pct(floor.floorKept)} of ` +
        `the bare throughput, and the adapter keeps ${pct(floor.keptOfFloor)} of the floor's ` +
        `and adds ${floor.cpuBeyondFloor.toFixed(2)} µs of ${side} CPU beyond it`;
  const straddles =
    low < middlewareKeepsAtLeast && high >= middlewareKeepsAtLeast
      ? '; single rounds fall on both sides of the target, so a rerun may judge otherwise'
      : '';
  return {
    target,
    met: ratio >= middlewareKeepsAtLeast,
    evidence:
      `with ÷ without = ${pct(ratio)}, the median of ${measured.series.with.rps.length} ` +
      `per-round ratios (lowest ${pct(low)}, highest ${pct(high)})${straddles}; as a ` +
      `cross-check, the breaker added ${added.toFixed(2)} µs of ${side} CPU to ` +
      `${cpu.toFixed(1)} µs per request (${pct(added / cpu)})${beyondFloor}`,
  };
}
