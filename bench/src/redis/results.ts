import type { Series } from '../measure.ts';
import type { ScalePoint } from './fleet-scale.ts';
import type { RedisPlan } from './plan.ts';

/** The subjects of the overhead measurement. */
export type OverheadSubject = 'bare' | 'memory' | 'redis';

/** What the Redis benchmark measured. */
export interface RedisResults {
  plan: RedisPlan;
  /** `redis-server --version` and the client used. */
  versions: string;
  /** Closed-state `execute()` per subject, in interleaved rounds. */
  overhead: Record<OverheadSubject, Series>;
  /** Calls the Redis store's breaker counted in Redis during the overhead measurement. */
  countedInRedis: number;
  /** Per trial, milliseconds from the failure that opened the circuit in one process to the other refusing. */
  propagationMs: number[];
  /** What the fleet costs one redis-server, at several numbers of active name × replica pairs. */
  scale: ScalePoint[];
  /** The same on a local Redis Cluster of three masters. */
  clusterScale: ScalePoint[];
  /** Anything that went wrong; a run with problems did not measure what it claims. */
  problems: string[];
  elapsedMs: number;
}

/** The `p`th percentile of `values` (nearest rank), NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}
