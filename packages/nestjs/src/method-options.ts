import { InvalidOptionError, type RegistryBreakerOptions } from '@tripswitch/core';

/**
 * Breaker options a decorated method may give for its breaker: those of a registry's breakers,
 * without `timeoutMs` and `isResultFailure`. The decorator cannot abort a method (a method
 * receives no `AbortSignal`), and a method reports a failure by throwing or rejecting.
 */
export type MethodBreakerOptions = Omit<RegistryBreakerOptions, 'timeoutMs' | 'isResultFailure'>;

/**
 * A fallback function: called, with the decorated method's `this`, with the method's arguments
 * followed by the error (the failure, or the refusal: `CircuitOpenError`, `BulkheadFullError`).
 * What it returns (or throws) is what the call returns (or throws).
 */
export type FallbackFunction = (...argumentsThenError: never[]) => unknown;

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerMethodOptions extends MethodBreakerOptions {
  /**
   * What a call returns when it fails or is refused: the name of a method of the same instance,
   * or a function. Either is called with the method's arguments followed by the error, and
   * its result takes the place of the call's. It is not called for an error the breaker's
   * `isFailure` ignores; that error reaches the caller unchanged.
   * @defaultValue none: the error reaches the caller
   */
  fallback?: string | FallbackFunction;
}

/** @internal The options checked and split: what the breaker gets, and what the decorator keeps. */
export interface MethodSettings {
  readonly breakerOptions: MethodBreakerOptions | undefined;
  readonly fallback: string | FallbackFunction | undefined;
}

// Breaker options that have no meaning on a method, and what to do instead.
const meaningless: Readonly<Record<string, string>> = {
  name: 'nothing here: give the name as the first argument, @CircuitBreaker(name, options)',
  timeoutMs:
    'nothing here: the decorator cannot abort a method, which receives no AbortSignal; use slowCallDurationMs, or a timeout inside the method',
  isResultFailure:
    'nothing here: a method reports a failure by throwing or rejecting; use isFailure(error) to ignore errors',
};

/**
 * @internal Checks what the decorator itself reads; the breaker options are checked by the core
 * when the breaker is created, which is when the application starts.
 */
export function resolveMethodOptions(options: unknown, breakerName: string): MethodSettings {
  if (options === undefined) return { breakerOptions: undefined, fallback: undefined };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(
      'options',
      options,
      'an object of breaker options, with an optional fallback',
      breakerName,
    );
  }
  const o = options as Record<string, unknown>;
  for (const option of Object.keys(o)) {
    const why = Object.hasOwn(meaningless, option) ? meaningless[option] : undefined;
    if (why !== undefined) throw new InvalidOptionError(option, o[option], why, breakerName);
  }
  const { fallback, ...breakerOptions } = o;
  if (
    fallback !== undefined &&
    typeof fallback !== 'function' &&
    (typeof fallback !== 'string' || fallback.length === 0)
  ) {
    throw new InvalidOptionError(
      'fallback',
      fallback,
      'the name of a method of the same class, or a function',
      breakerName,
    );
  }
  return {
    breakerOptions: breakerOptions as MethodBreakerOptions,
    fallback: fallback as string | FallbackFunction | undefined,
  };
}
