import { installedVersion } from '../subjects/version.ts';
import { axiosPair } from './axios-pair.ts';
import { expressPair } from './express-pair.ts';
import { fastifyPair } from './fastify-pair.ts';
import { fetchPair, undiciPair } from './fetch-pair.ts';
import { gotPair } from './got-pair.ts';
import { grpcPair } from './grpc-pair.ts';
import { honoPair } from './hono-pair.ts';
import { measureHttp, type PreparedPair } from './measure-http.ts';
import type { HttpPlan } from './plan.ts';
import type { HttpResults } from './results.ts';
import { startServerThread } from './server-thread.ts';
import type { HttpContext, HttpPair } from './types.ts';

/** Every pair of the HTTP table, in table order. */
export const httpPairs: readonly HttpPair[] = [
  expressPair,
  fastifyPair,
  honoPair,
  axiosPair,
  gotPair,
  fetchPair,
  undiciPair,
  grpcPair,
];

/**
 * Measures the throughput of every pair of {@link httpPairs} on loopback, then checks that no
 * request went wrong and that each breaker saw the traffic, and closes every server and socket.
 */
export async function runHttp(plan: HttpPlan): Promise<HttpResults> {
  const started = performance.now();
  const upstream = await startServerThread('upstream');
  const context: HttpContext = { plan, upstream: upstream.url };
  const prepared: PreparedPair[] = [];
  try {
    for (const pair of httpPairs) {
      const entry: Partial<PreparedPair> = { pair };
      try {
        entry.without = await pair.without.prepare(context);
        entry.with = await pair.with.prepare(context);
        if (pair.floor !== undefined) entry.floor = await pair.floor.prepare(context);
      } catch (error) {
        await entry.without?.dispose();
        await entry.with?.dispose();
        throw error;
      }
      prepared.push(entry as PreparedPair);
    }
    const measured = await measureHttp(prepared, plan);
    const problems: string[] = [];
    const pairs: HttpResults['pairs'][number][] = [];
    for (const entry of prepared) {
      const series = measured.get(entry.pair.id);
      if (series === undefined) continue;
      pairs.push({ pair: entry.pair, series });
      for (const side of ['without', 'floor', 'with'] as const) {
        const sideSeries = series[side];
        if (sideSeries === undefined) continue;
        const { errors, firstError, answered } = sideSeries;
        const id =
          side === 'floor' ? `${entry.pair.id} floor` : `${entry.pair.id} ${side} the breaker`;
        if (errors > 0) problems.push(`${id}: ${errors} requests went wrong, first: ${firstError}`);
        const problem = await entry[side]?.check?.(answered);
        if (problem !== undefined) problems.push(`${id}: ${problem}`);
      }
    }
    return {
      plan,
      versions: [
        'express',
        'fastify',
        'hono',
        '@hono/node-server',
        'axios',
        'got',
        '@grpc/grpc-js',
        'autocannon',
      ]
        .map((name) => `${name} ${installedVersion(name)}`)
        .join(', '),
      pairs,
      problems,
      elapsedMs: performance.now() - started,
    };
  } finally {
    for (const entry of prepared) {
      await entry.without.dispose();
      await entry.with.dispose();
      await entry.floor?.dispose();
    }
    await upstream.close();
  }
}
