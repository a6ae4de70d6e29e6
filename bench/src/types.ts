/** One call under measurement, written the way a user of the library would write it. */
export type Op = () => Promise<unknown>;

/** A subject made ready for one row: the call to time, and what to check afterwards. */
export interface Prepared {
  /** One call through the subject. */
  op: Op;
  /**
   * Confirms, after timing, that the subject stayed in the state the row describes (closed,
   * failures recorded, open, function never called). Returns what went wrong, or undefined.
   */
  check?: () => string | undefined;
  /** Stops whatever the subject keeps running (opossum's interval timers). */
  dispose?: () => void;
}

/** How one library takes part in one row. */
export interface Contender {
  /** The configuration, as code, for the report. */
  setup: string;
  /** Builds the breaker and brings it into the row's state. */
  prepare(): Prepared | Promise<Prepared>;
}

/** How one library builds an idle breaker for the heap measurement. */
export interface IdleBreaker {
  /** The configuration, as code, for the report. */
  setup: string;
  /** Builds one breaker and leaves it idle. */
  create(): object;
  /** Releases one breaker built by {@link IdleBreaker.create}. */
  dispose?: (breaker: object) => void;
}

/** A library under test (or the bare baseline) and the rows it takes part in. */
export interface Library {
  /** Its name in tables. */
  name: string;
  /** Its version, or where it comes from. */
  version: string;
  /** Its contender per row id; a library that has nothing to offer for a row leaves it out. */
  rows: Readonly<Record<string, Contender>>;
  /** Its idle breaker, for the heap-per-breaker table. */
  idle?: IdleBreaker;
  /** Why it is configured as it is, where that differs from its defaults; one line each, Markdown. */
  notes?: readonly string[];
}
