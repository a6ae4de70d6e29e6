import type { Scenario, SubjectFactory } from '@tripswitch/simulator';

/** One breaker configuration in the detection benchmark. */
export interface Contender {
  /** Its name in tables. */
  readonly name: string;
  /** The library it belongs to, and its version. */
  readonly library: string;
  /** Its configuration, as code. */
  readonly setup: string;
  /** Trial calls it admits when half-open, for the recovery targets. */
  readonly halfOpenMaxCalls: number;
  /** Builds its subject for `scenario`, which may ask for a slow-call threshold. */
  subject(scenario: Scenario<unknown>): SubjectFactory;
  /** Why it is configured or driven as it is; Markdown, one line each. */
  readonly notes?: readonly string[];
}
