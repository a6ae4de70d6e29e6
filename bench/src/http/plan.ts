/** How long to measure HTTP throughput. */
export interface HttpPlan {
  /** How long each subject runs once, untimed, before the rounds: JIT, keep-alive sockets. */
  warmupMs: number;
  /** Timed rounds; each takes one sample of every subject. */
  rounds: number;
  /** How long one timed sample lasts, in milliseconds. */
  sampleMs: number;
  /** Requests in flight at once: autocannon's connections, the client loop's lanes. */
  concurrency: number;
  /** Called after each timed round, for progress. */
  onRound?: (round: number) => void;
}
