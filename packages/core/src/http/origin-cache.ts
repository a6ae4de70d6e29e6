/**
 * The origin of an http(s) or ws(s) URL read from the front of its text, remembered by that
 * front (`scheme://host:port`), so an adapter keying every request by its origin parses each
 * origin once rather than every URL it sees: parsing a URL costs more than the rest of a
 * breaker's work on a request.
 *
 * Only a front that the WHATWG URL parser cannot read differently from the whole URL is used: a
 * special scheme in lower or upper case followed by `//`, then a host (and port) of printable
 * characters without `@` (no credentials, which are not kept), ending the string or followed by
 * `/`, `\`, `?` or `#`, where the parser ends the authority. Anything else — leading spaces,
 * tabs, credentials, a host the parser rejects, a relative URL — gives `undefined`, and the
 * caller parses the whole URL as before.
 */

/** The most fronts remembered; past it the memory starts again, so a flood of hosts is bounded. */
export const originCacheLimit = 256;
/** The longest front remembered, in characters (DNS names are at most 253). */
const longestFront = 300;

const origins = new Map<string, string>();
// The front seen last, checked first: a client mostly calls one origin many times in a row.
let lastFront = '';
let lastOrigin = '';

/** The origin of `url` from the memory of fronts, or `undefined` when the caller must parse. */
export function cachedOrigin(url: string): string | undefined {
  const n = lastFront.length;
  if (
    n > 0 &&
    url.startsWith(lastFront) &&
    (url.length === n || endsAuthority(url.charCodeAt(n)))
  ) {
    return lastOrigin;
  }
  const end = frontEnd(url);
  if (end < 0) return undefined;
  const front = end === url.length ? url : url.slice(0, end);
  let origin = origins.get(front);
  if (origin === undefined) {
    try {
      origin = new URL(front).origin;
    } catch {
      return undefined;
    }
    if (origins.size >= originCacheLimit) origins.clear();
    origins.set(front, origin);
  }
  lastFront = front;
  lastOrigin = origin;
  return origin;
}

/** Whether a character ends the authority of a special URL: '/', '?', '#' or '\\'. */
function endsAuthority(c: number): boolean {
  return c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c;
}

/** Where the authority of a plain special URL ends, or -1 when the front is not plain. */
function frontEnd(url: string): number {
  const start = schemeEnd(url);
  if (start < 0) return -1;
  const limit = Math.min(url.length, start + longestFront);
  for (let i = start; i < limit; i++) {
    const c = url.charCodeAt(i);
    if (endsAuthority(c)) return i > start ? i : -1;
    // Controls, space, DEL and beyond ASCII, and '@' (credentials): leave them to the parser.
    if (c <= 0x20 || c >= 0x7f || c === 0x40) return -1;
  }
  return limit === url.length && limit > start ? limit : -1;
}

const schemes = ['http://', 'https://', 'ws://', 'wss://'] as const;

/** The index after `scheme://` for the special schemes above, in any case; else -1. */
function schemeEnd(url: string): number {
  // The usual spellings first, in one native comparison each.
  if (url.startsWith('https://')) return 8;
  if (url.startsWith('http://')) return 7;
  for (const scheme of schemes) {
    if (url.length > scheme.length && startsWithIgnoringCase(url, scheme)) return scheme.length;
  }
  return -1;
}

function startsWithIgnoringCase(url: string, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) {
    const c = url.charCodeAt(i);
    const p = prefix.charCodeAt(i);
    // A letter matches in either case (they differ by 0x20); ':' and '/' match only themselves.
    if (c !== p && !(p >= 0x61 && p <= 0x7a && (c | 0x20) === p)) return false;
  }
  return true;
}
