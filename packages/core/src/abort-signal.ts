/**
 * @internal Reads `options.signal` of a call and checks it is an AbortSignal, so that an object
 * that merely looks like one is refused before the call takes anything, rather than failing later
 * inside a timer or an event listener. Throws a TypeError naming `method` and what is allowed.
 */
export function signalOption(options: unknown, method: string): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') {
    throw new TypeError(`${method}: options must be an object { signal? }; got ${typeof options}`);
  }
  let signal: unknown;
  try {
    signal = (options as { signal?: unknown }).signal;
  } catch (error) {
    throw new TypeError(`${method}: reading options.signal threw`, { cause: error });
  }
  if (signal === undefined || isAbortSignal(signal)) return signal;
  throw new TypeError(
    `${method}: options.signal must be an AbortSignal (from an AbortController, AbortSignal.timeout() or AbortSignal.any()) or undefined; got ${describe(signal)}`,
  );
}

/**
 * Whether `value` is a real AbortSignal of this realm: AbortSignal's own `aborted` getter answers
 * for it (it throws for anything else, a look-alike or an object built on its prototype).
 */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null || typeof AbortSignal !== 'function') {
    return false;
  }
  const aborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;
  if (aborted === undefined) return false;
  try {
    return typeof aborted.call(value) === 'boolean';
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object that is not one' : typeof value;
}
