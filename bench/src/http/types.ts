import type { HttpPlan } from './plan.ts';

/** What one sample of one subject counted. */
export interface Sample {
  /** Requests answered as expected (a 2xx with its body). */
  requests: number;
  /** Wall-clock milliseconds the sample took, from the first request to the last answer. */
  elapsedMs: number;
  /**
   * CPU time, in microseconds, of the thread whose work the pair compares: the server's for a
   * server with and without middleware, the client's for a client with and without its adapter.
   */
  cpuUs: number;
  /** Requests that failed, timed out, or were answered with something else than a 2xx. */
  errors: number;
  /** What the first of those errors was, for the report. */
  firstError?: string;
}

/** What a subject may use while it runs. */
export interface HttpContext {
  plan: HttpPlan;
  /** The base URL of the trivial node:http server the client subjects call. */
  upstream: string;
}

/** A subject made ready to be sampled. */
export interface PreparedHttp {
  /** Runs the subject at full speed for about `ms` milliseconds. */
  sample(ms: number): Promise<Sample>;
  /**
   * Confirms, after timing, that the breaker was really in the path: closed, no permit left in
   * flight, every answered request recorded. Returns what went wrong, or undefined.
   */
  check?: (answered: number) => Promise<string | undefined>;
  /** Closes its servers and sockets. */
  dispose(): Promise<void>;
}

/** One side of a pair: the same traffic with or without a breaker. */
export interface HttpSubject {
  /** The setup, as code, for the report. */
  setup: string;
  prepare(context: HttpContext): Promise<PreparedHttp>;
}

/** A line of the HTTP table: the same traffic without and with the breaker. */
export interface HttpPair {
  /** A short key, for progress and problems. */
  id: string;
  /** The line's label in tables. */
  title: string;
  /** What drives the traffic, for the report. */
  driver: string;
  without: HttpSubject;
  with: HttpSubject;
  /**
   * The least any adapter built on the same extension point costs, with no breaker: a middleware
   * or hook that does nothing but what an adapter must (servers only).
   */
  floor?: HttpFloor;
}

/** The floor side of a pair: a subject, and what its extension point does, for the report. */
export interface HttpFloor extends HttpSubject {
  /** What the floor does, in words: "a middleware that awaits next()". */
  description: string;
}
