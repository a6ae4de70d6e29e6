import { InvalidOptionError } from './errors.ts';
import { durationText, isDuration } from './limits.ts';

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /**
   * The open duration after the first open since the circuit last closed, in milliseconds (at
   * most 2,147,483,647, like every duration).
   */
  initialMs: number;
  /** The longest open duration, in milliseconds: at least `initialMs`, at most 2,147,483,647. */
  maxMs: number;
  /**
   * How much longer each further open lasts than the one before.
   * @defaultValue 2
   */
  factor?: number;
  /**
   * The fraction of each duration to randomise, in [0, 1]: the duration is multiplied by a random
   * number between `1 - jitter` and 1, so a fleet of processes does not probe in lock step.
   * @defaultValue 0 (no jitter)
   */
  jitter?: number;
}

/** How long a circuit stays open, given how many times it has opened since it last closed. */
export type OpenDurationFn = (attempt: number) => number;

/**
 * An open duration that grows while an outage lasts: `initialMs` after the first open since the
 * circuit last closed, multiplied by `factor` after each failed trial, never more than `maxMs`.
 * Jitter is added only when asked for.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({
 *   openDurationMs: exponentialBackoff({ initialMs: 1_000, maxMs: 60_000 }),
 * });
 * // opens for 1 s, then 2 s, 4 s, ... 60 s while trials keep failing
 * ```
 */
export function exponentialBackoff(options: ExponentialBackoffOptions): OpenDurationFn {
  const { initialMs, maxMs, factor, jitter } = validateBackoff(options, 'exponentialBackoff');
  return (attempt) => {
    const exponent = Math.max(0, Math.floor(attempt) - 1);
    const base = Math.min(maxMs, initialMs * factor ** exponent);
    return jitter === 0 ? base : base * (1 - jitter * Math.random());
  };
}

const backoffOptionNames: ReadonlySet<string> = new Set(['initialMs', 'maxMs', 'factor', 'jitter']);

/**
 * @internal Validates backoff options, naming them under `path` in errors, and returns the values
 * it checked, defaults applied. Each option is read once: a getter or a proxy may answer
 * differently the second time, and what the backoff uses must be what was checked.
 */
export function validateBackoff(
  options: unknown,
  path: string,
  breakerName?: string,
): Required<ExponentialBackoffOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      path,
      options,
      'an object { initialMs, maxMs, factor?, jitter? }',
      breakerName,
    );
  }
  // Not a rest pattern (`...rest`): before Node 24, V8 reads the properties it leaves out too.
  const { initialMs, maxMs, factor, jitter } = options as Record<string, unknown>;
  const unknown = Object.keys(options).find((key) => !backoffOptionNames.has(key));
  if (unknown !== undefined) {
    throw new InvalidOptionError(
      `${path}.${unknown}`,
      (options as Record<string, unknown>)[unknown],
      'no such option; allowed: initialMs, maxMs, factor, jitter',
      breakerName,
    );
  }
  if (!isDuration(initialMs)) {
    throw new InvalidOptionError(`${path}.initialMs`, initialMs, durationText, breakerName);
  }
  if (!isDuration(maxMs) || maxMs < initialMs) {
    throw new InvalidOptionError(
      `${path}.maxMs`,
      maxMs,
      `${durationText}, >= initialMs (${initialMs})`,
      breakerName,
    );
  }
  if (
    factor !== undefined &&
    !(typeof factor === 'number' && Number.isFinite(factor) && factor >= 1)
  ) {
    throw new InvalidOptionError(`${path}.factor`, factor, 'a finite number >= 1', breakerName);
  }
  if (jitter !== undefined && !(typeof jitter === 'number' && jitter >= 0 && jitter <= 1)) {
    throw new InvalidOptionError(`${path}.jitter`, jitter, 'a number in [0, 1]', breakerName);
  }
  return {
    initialMs,
    maxMs,
    factor: (factor as number | undefined) ?? 2,
    jitter: (jitter as number | undefined) ?? 0,
  };
}
