/** How long the Redis benchmark runs. */
export interface RedisPlan {
  /** Untimed rounds of the overhead measurement, for the JIT and to size the samples. */
  warmupRounds: number;
  /** How long each subject runs per warm-up round, in milliseconds. */
  warmupMs: number;
  /** Timed rounds of the overhead measurement; each times every subject once. */
  rounds: number;
  /** About how long one timed sample lasts, in milliseconds. */
  sampleMs: number;
  /** Opens measured from one process to another. */
  trials: number;
  /** Names × replicas of each fleet-scale point (every breaker sees a call a second). */
  scale: readonly { names: number; replicas: number }[];
  /** How long each fleet-scale point runs before and while it is measured, in milliseconds. */
  scaleWarmupMs: number;
  scaleMeasureMs: number;
  /** Called after each timed round and each trial, for progress. */
  onProgress?: (part: 'overhead' | 'propagation' | 'scale', done: number, of: number) => void;
}

/** The plan `pnpm bench` uses unless told otherwise. */
export const defaultRedisPlan: RedisPlan = {
  warmupRounds: 2,
  warmupMs: 150,
  rounds: 30,
  sampleMs: 20,
  trials: 50,
  scale: [
    { names: 25, replicas: 4 },
    { names: 250, replicas: 4 },
    { names: 2_500, replicas: 4 },
  ],
  scaleWarmupMs: 10_000,
  scaleMeasureMs: 10_000,
};
