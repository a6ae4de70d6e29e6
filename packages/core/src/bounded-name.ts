import { InvalidOptionError } from './errors.ts';

/** How many hexadecimal digits of the name's hash a cut name ends with. */
const idLength = 16;

/**
 * A breaker name as a metric label, an attribute or a name in a health report, of at most
 * `maxLength` UTF-16 code units.
 * Names can come from request input (a path segment, a host), so without a bound a label could
 * be as long as a request line, in every series of every breaker. A name of `maxLength`
 * units or fewer is returned as it is. A longer one gives exactly `maxLength` units (one fewer
 * when the cut would fall inside a surrogate pair, which is never split): the name's first
 * units, `…` (U+2026), then 16 hexadecimal digits computed from the whole name, so that names
 * that share their first units, as keys made of long paths do, still get labels of their own.
 * The same name always gives the same label, on every runtime and in every process.
 *
 * The 16 digits are a 64-bit hash (FNV-1a, twice), not a cryptographic digest: someone who
 * controls names could make two long ones with the same label, on purpose. That is harmless
 * enough: the metrics of the two breakers then share one series, which only those names can
 * reach: a name within the limit is never changed, so it can meet a cut label only by being
 * one — a name of exactly `maxLength` units, or one fewer, ending in `…` and 16 hexadecimal
 * digits. The breakers themselves stay apart; only what the metrics show of them is merged.
 *
 * @param maxLength - the longest label, 18 or more (room for `…`, the digits and one unit of
 * the name); not checked here: callers check it with their options, and ask for 32 or more.
 *
 * @example
 * ```ts
 * boundedName('payments', 32); // 'payments'
 * boundedName(`/tenants/${'a'.repeat(100)}`, 32); // '/tenants/aaaaaa…' and 16 hex digits
 * ```
 */
export function boundedName(name: string, maxLength: number): string {
  if (name.length <= maxLength) return name;
  let end = maxLength - idLength - 1;
  const last = name.charCodeAt(end - 1);
  // A high surrogate there would be cut from its low one: leave both out.
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${name.slice(0, end)}\u2026${nameHash(name)}`;
}

/**
 * @internal The `maxNameLength` of the packages that show names with {@link boundedName} (the
 * metrics packages, the health reports) when none is given.
 */
export const defaultMaxNameLength = 120;

/**
 * The `maxNameLength` the metrics packages and health reports accept: at least room for a few units of the name
 * beside `…` and the 16 digits, and at most what no label needs to exceed.
 */
const maxNameLengthLimits = { min: 32, max: 65_536 } as const;

/**
 * @internal Checks a `maxNameLength` option of a package that shows names with
 * {@link boundedName} (metrics labels, health reports), and returns it; throws `InvalidOptionError` naming what is allowed.
 */
export function checkedMaxNameLength(value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < maxNameLengthLimits.min ||
    value > maxNameLengthLimits.max
  ) {
    throw new InvalidOptionError(
      'maxNameLength',
      value,
      `an integer from ${maxNameLengthLimits.min} to ${maxNameLengthLimits.max}`,
    );
  }
  return value;
}

/** The 32-bit FNV prime. */
const fnvPrime = 0x01000193;

/**
 * 64 bits of hash of every code unit of `name`, as 16 lowercase hexadecimal digits: two 32-bit
 * FNV-1a passes over the units' bytes, one from the standard offset basis with each unit's low
 * byte first, the other from another basis (the high half of the 64-bit FNV basis) with its high
 * byte first, so the two halves do not fail together. Math.imul keeps the arithmetic in 32 bits
 * on every runtime, and nothing here is asynchronous or needs `node:crypto`.
 */
function nameHash(name: string): string {
  let low = 0x811c9dc5;
  let high = 0xcbf29ce4;
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    low = Math.imul(low ^ (unit & 0xff), fnvPrime);
    low = Math.imul(low ^ (unit >>> 8), fnvPrime);
    high = Math.imul(high ^ (unit >>> 8), fnvPrime);
    high = Math.imul(high ^ (unit & 0xff), fnvPrime);
  }
  return hex8(high) + hex8(low);
}

/** `value` as 8 hexadecimal digits, read as unsigned. */
function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
