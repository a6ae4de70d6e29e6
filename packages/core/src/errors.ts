/**
 * Errors raised by Tripswitch. Each carries a stable `code`, and a brand that is shared by every
 * copy of `@tripswitch/core` loaded in one process (ESM and CommonJS builds, or two installed
 * versions), so both the `is*` guards and `instanceof` recognise an error from another copy.
 */

// Symbol.for() returns the same symbol in every copy of this module; the brand's value is the code.
const brand = Symbol.for('tripswitch.error');

/** The stable code of every error Tripswitch raises. */
export type TripswitchErrorCode =
  | 'ERR_CIRCUIT_OPEN'
  | 'ERR_CIRCUIT_TIMEOUT'
  | 'ERR_BULKHEAD_FULL'
  | 'ERR_INVALID_OPTION';

function codeOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null
    ? (value as { [brand]?: unknown })[brand]
    : undefined;
}

/**
 * Gives an error class its `name` and brand on the prototype, where they cost nothing per error
 * (a refused call builds one on every refusal).
 */
function defineErrorClass(
  errorClass: { prototype: object },
  name: string,
  code: TripswitchErrorCode,
): void {
  Object.defineProperty(errorClass.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(errorClass.prototype, brand, { value: code });
}

/**
 * Brands `target` as the Tripswitch error with `code`, for an object of another class that stands
 * for one — an adapter's own HTTP exception that carries a refusal — so that the `is*` guards and
 * `instanceof` recognise it, in every copy of the package. The brand is a non-enumerable,
 * read-only own property; nothing else about the object changes. Exported for adapters from
 * `@tripswitch/core/internal`.
 */
export function brandTripswitchError(target: object, code: TripswitchErrorCode): void {
  Object.defineProperty(target, brand, { value: code });
}

/** The base class of every Tripswitch error; recognise one with {@link isTripswitchError}. */
export abstract class TripswitchError extends Error {
  /** The stable, machine-readable code of the error. */
  readonly code: TripswitchErrorCode;

  constructor(message: string, code: TripswitchErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /**
   * Makes `instanceof` work across copies of this package: an error is an instance of a
   * Tripswitch error class when its brand says so, whichever copy created it.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const code = codeOf(value);
    if (typeof code !== 'string') return false;
    // `this` is the class `instanceof` was asked about.
    if (this === TripswitchError) return true;
    // A user's own subclass has no code of its own: judge it by the prototype chain as usual.
    if (!Object.hasOwn(this, 'errorCode'))
      return Function.prototype[Symbol.hasInstance].call(this, value);
    return (this as { errorCode?: TripswitchErrorCode }).errorCode === code;
  }
}

/**
 * Why a circuit refused a call: it is open, half-open with every trial slot taken, forced open,
 * or closed but shedding load (`'throttled'`, see `adaptiveThrottling`).
 */
export type CircuitRefusal = 'open' | 'half-open-full' | 'forced-open' | 'throttled';

/**
 * Thrown (or returned as a rejection) when a circuit refuses a call: it is open, it is half-open
 * and all its trial slots are taken, it was forced open with `isolate()`, or it is closed and a
 * throttling rule shed the call (`reason: 'throttled'`). The wrapped function was not called.
 */
export class CircuitOpenError extends TripswitchError {
  /** The `code` of every CircuitOpenError: `'ERR_CIRCUIT_OPEN'`. */
  static readonly errorCode = 'ERR_CIRCUIT_OPEN';
  static {
    defineErrorClass(this, 'CircuitOpenError', 'ERR_CIRCUIT_OPEN');
  }
  /** Always `'CircuitOpenError'`. */
  declare readonly name: 'CircuitOpenError';
  declare readonly code: 'ERR_CIRCUIT_OPEN';
  /** The name of the breaker that refused the call. */
  readonly breakerName: string;
  /** Why the call was refused. */
  readonly reason: CircuitRefusal;
  /**
   * How long until the circuit lets a trial call through, in milliseconds; for a throttled call,
   * a short wait after which a retry may well pass (1 s); `undefined` when that is not known
   * (forced open, or half-open with every trial slot taken).
   */
  readonly retryAfterMs: number | undefined;

  constructor(breakerName: string, reason: CircuitRefusal, retryAfterMs?: number) {
    super(describeRefusal(breakerName, reason, retryAfterMs), 'ERR_CIRCUIT_OPEN');
    this.breakerName = breakerName;
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}

function describeRefusal(name: string, reason: CircuitRefusal, retryAfterMs?: number): string {
  if (reason === 'forced-open') return `Circuit "${name}" is forced open`;
  if (reason === 'half-open-full') {
    return `Circuit "${name}" is half-open and all its trial calls are in flight`;
  }
  if (reason === 'throttled') {
    return `Circuit "${name}" shed this call: its dependency accepts fewer calls than it is sent`;
  }
  return retryAfterMs === undefined
    ? `Circuit "${name}" is open`
    : `Circuit "${name}" is open; it lets a trial call through in ${retryAfterMs} ms`;
}

/** The rejection of a call that took longer than the breaker's `timeoutMs`; it counts as a failure. */
export class CircuitTimeoutError extends TripswitchError {
  /** The `code` of every CircuitTimeoutError: `'ERR_CIRCUIT_TIMEOUT'`. */
  static readonly errorCode = 'ERR_CIRCUIT_TIMEOUT';
  static {
    defineErrorClass(this, 'CircuitTimeoutError', 'ERR_CIRCUIT_TIMEOUT');
  }
  /** Always `'CircuitTimeoutError'`. */
  declare readonly name: 'CircuitTimeoutError';
  declare readonly code: 'ERR_CIRCUIT_TIMEOUT';
  /** The name of the breaker whose timeout elapsed. */
  readonly breakerName: string;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(breakerName: string, timeoutMs: number) {
    super(
      `Call through circuit "${breakerName}" timed out after ${timeoutMs} ms`,
      'ERR_CIRCUIT_TIMEOUT',
    );
    this.breakerName = breakerName;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The rejection of a call that found the breaker's bulkhead full: `maxConcurrent` calls running
 * and the queue full (`reason: 'full'`), or that waited in the queue for longer than
 * `queueTimeoutMs` (`reason: 'queue-timeout'`). Not recorded as a failure.
 */
export class BulkheadFullError extends TripswitchError {
  /** The `code` of every BulkheadFullError: `'ERR_BULKHEAD_FULL'`. */
  static readonly errorCode = 'ERR_BULKHEAD_FULL';
  static {
    defineErrorClass(this, 'BulkheadFullError', 'ERR_BULKHEAD_FULL');
  }
  /** Always `'BulkheadFullError'`. */
  declare readonly name: 'BulkheadFullError';
  declare readonly code: 'ERR_BULKHEAD_FULL';
  /** The name of the breaker whose bulkhead refused the call. */
  readonly breakerName: string;
  /** Whether the bulkhead was full or the call waited too long in its queue. */
  readonly reason: 'full' | 'queue-timeout';
  /** The bulkhead's `maxConcurrent`. */
  readonly maxConcurrent: number;
  /** The bulkhead's `maxQueue`. */
  readonly maxQueue: number;

  constructor(
    breakerName: string,
    reason: 'full' | 'queue-timeout',
    maxConcurrent: number,
    maxQueue: number,
  ) {
    super(
      reason === 'full'
        ? `Bulkhead of circuit "${breakerName}" is full (${maxConcurrent} running, ${maxQueue} queued)`
        : `Call waited too long for a slot in the bulkhead of circuit "${breakerName}"`,
      'ERR_BULKHEAD_FULL',
    );
    this.breakerName = breakerName;
    this.reason = reason;
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
  }
}

/** Thrown when a breaker or registry is given an option it cannot use. */
export class InvalidOptionError extends TripswitchError {
  /** The `code` of every InvalidOptionError: `'ERR_INVALID_OPTION'`. */
  static readonly errorCode = 'ERR_INVALID_OPTION';
  static {
    defineErrorClass(this, 'InvalidOptionError', 'ERR_INVALID_OPTION');
  }
  /** Always `'InvalidOptionError'`. */
  declare readonly name: 'InvalidOptionError';
  declare readonly code: 'ERR_INVALID_OPTION';
  /** The option's path, such as `window.size`. */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;
  /** What the option allows, in words. */
  readonly expected: string;

  constructor(
    option: string,
    value: unknown,
    expected: string,
    breakerName?: string,
    options?: ErrorOptions,
  ) {
    const where = breakerName === undefined ? '' : ` of circuit "${breakerName}"`;
    super(
      `Invalid option "${option}"${where}: got ${describeValue(value)}; expected ${expected}`,
      'ERR_INVALID_OPTION',
      options,
    );
    this.option = option;
    this.value = value;
    this.expected = expected;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Whether `value` is any Tripswitch error, from this or another copy of the package. */
export function isTripswitchError(value: unknown): value is TripswitchError {
  return typeof codeOf(value) === 'string';
}

/**
 * Whether `value` is a {@link CircuitOpenError}, from this or another copy of the package.
 *
 * @example
 * ```ts
 * try {
 *   await breaker.execute(() => callPayments());
 * } catch (error) {
 *   if (isCircuitOpenError(error)) return serveFromCache();
 *   throw error;
 * }
 * ```
 */
export function isCircuitOpenError(value: unknown): value is CircuitOpenError {
  return codeOf(value) === 'ERR_CIRCUIT_OPEN';
}

/** Whether `value` is a {@link CircuitTimeoutError}, from this or another copy of the package. */
export function isCircuitTimeoutError(value: unknown): value is CircuitTimeoutError {
  return codeOf(value) === 'ERR_CIRCUIT_TIMEOUT';
}

/** Whether `value` is a {@link BulkheadFullError}, from this or another copy of the package. */
export function isBulkheadFullError(value: unknown): value is BulkheadFullError {
  return codeOf(value) === 'ERR_BULKHEAD_FULL';
}

/** Whether `value` is an {@link InvalidOptionError}, from this or another copy of the package. */
export function isInvalidOptionError(value: unknown): value is InvalidOptionError {
  return codeOf(value) === 'ERR_INVALID_OPTION';
}
