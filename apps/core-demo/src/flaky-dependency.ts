/** How the dependency behaves right now; the scenario switches it from phase to phase. */
export interface Behaviour {
  /** The probability, in [0, 1], that a call fails. */
  readonly failureRate: number;
  /** The share, in [0, 1], of failing calls that hang for `hangMs` rather than fail at once. */
  readonly hangRate: number;
  /** How long a call that does not hang takes: a uniform draw from [min, max] milliseconds. */
  readonly latencyMs: readonly [min: number, max: number];
  /** How long a hanging call takes before it fails, unless its caller aborts it sooner. */
  readonly hangMs: number;
}

/** The error a failing call of the dependency rejects with. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
}

/** What a {@link FlakyDependency} needs. */
export interface FlakyDependencyOptions {
  /** How the dependency behaves until {@link FlakyDependency.behaviour} is changed. */
  behaviour: Behaviour;
  /** Numbers in [0, 1), e.g. from `seededRandom`. */
  random: () => number;
  /** Waits, honouring the signal; the source of the dependency's latency. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * An in-process async function standing in for a remote service, with a failure rate and a
 * latency that can be changed while it runs.
 */
export class FlakyDependency {
  /** How the dependency behaves from the next call on. */
  behaviour: Behaviour;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #calls = 0;

  constructor(options: FlakyDependencyOptions) {
    this.behaviour = options.behaviour;
    this.#random = options.random;
    this.#sleep = options.sleep;
  }

  /** How many calls have reached the dependency. */
  get calls(): number {
    return this.#calls;
  }

  /**
   * Answers after the current latency, or fails.
   *
   * @param signal - aborts the call; it then rejects with the signal's reason at once.
   * @throws {@link UpstreamError} when the call fails.
   */
  async call(signal?: AbortSignal): Promise<string> {
    this.#calls++;
    const { failureRate, hangRate, latencyMs, hangMs } = this.behaviour;
    // Three draws on every call, whatever the behaviour, so that a given seed replays the same
    // sequence of outcomes however the phases are cut.
    const fails = this.#random() < failureRate;
    const hangs = this.#random() < hangRate;
    const latency = latencyMs[0] + this.#random() * (latencyMs[1] - latencyMs[0]);
    if (fails && hangs) {
      await this.#sleep(hangMs, signal);
      throw new UpstreamError(`no answer after ${hangMs} ms`);
    }
    await this.#sleep(latency, signal);
    if (fails) throw new UpstreamError('503 Service Unavailable');
    return 'fresh data';
  }
}

/** Describes a behaviour in a few words, e.g. `answers in 15-45 ms; 2 % of calls fail`. */
export function describeBehaviour(behaviour: Behaviour): string {
  const [min, max] = behaviour.latencyMs;
  const latency = `${min}-${max} ms`;
  const failures = Math.round(behaviour.failureRate * 100);
  if (failures === 0) return `answers in ${latency}`;
  const hanging = Math.round(behaviour.failureRate * behaviour.hangRate * 100);
  const quick = failures - hanging;
  if (failures === 100 && hanging === 0) return `every call fails after ${latency}`;
  if (failures === 100) {
    return `every call fails (${quick} % with an error after ${latency}, ${hanging} % hang for ${behaviour.hangMs} ms)`;
  }
  return hanging === 0
    ? `answers in ${latency}; ${failures} % of calls fail`
    : `answers in ${latency}; ${quick} % of calls fail, ${hanging} % hang for ${behaviour.hangMs} ms`;
}
