import { InvalidOptionError } from './errors.ts';
import { durationText, isDuration } from './limits.ts';

/**
 * @internal Checks option values and builds errors that name the option, the value and the
 * breaker.
 */
export class Checker {
  /** The breaker the options are for; undefined for options that belong to none yet. */
  readonly breakerName: string | undefined;

  constructor(breakerName: string | undefined) {
    this.breakerName = breakerName;
  }

  fail(option: string, value: unknown, expected: string, cause?: unknown): InvalidOptionError {
    return new InvalidOptionError(
      option,
      value,
      expected,
      this.breakerName,
      cause === undefined ? undefined : { cause },
    );
  }

  /** An integer in [1, max] (or the default when undefined and a default is given). */
  integer(option: string, value: unknown, max: number, fallback?: number): number {
    if (value === undefined && fallback !== undefined) return fallback;
    return this.#bounded(option, value, 1, max);
  }

  /** An integer in [0, max], 0 when undefined. */
  count(option: string, value: unknown, max: number): number {
    return value === undefined ? 0 : this.#bounded(option, value, 0, max);
  }

  #bounded(option: string, value: unknown, min: number, max: number): number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min) {
      if (value <= max) return value;
      throw this.fail(option, value, `an integer >= ${min} and <= ${max}`);
    }
    throw this.fail(option, value, `an integer >= ${min}`);
  }

  /** A percentage in (0, 100]. */
  percent(option: string, value: unknown, fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && value > 0 && value <= 100) return value;
    throw this.fail(option, value, 'a percentage in (0, 100]');
  }

  /** A duration in milliseconds within (0, limits.durationMs], or undefined. */
  duration(option: string, value: unknown): number | undefined {
    if (value === undefined) return undefined;
    if (isDuration(value)) return value;
    throw this.fail(option, value, durationText);
  }

  fn(option: string, value: unknown): ((...args: never[]) => unknown) | undefined {
    if (value === undefined || typeof value === 'function')
      return value as (...args: never[]) => unknown;
    throw this.fail(option, value, 'a function');
  }

  noOthers(option: string, value: Record<string, unknown>, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        throw this.fail(
          `${option}.${key}`,
          value[key],
          `no such option; allowed: ${allowed.join(', ')}`,
        );
      }
    }
  }
}
