import { createHash } from 'node:crypto';

/**
 * @internal The Redis keys of one breaker name. Each carries the name as a hash tag
 * (`prefix{name}:…`), so in Redis Cluster all of a breaker's keys live in one slot and one script
 * may touch them all.
 */
export interface BreakerKeys {
  /**
   * The name as the keys carry it ({@link hashTagOf}), one per name: transition messages name the
   * breaker by it, so that a long name is not published whole either.
   */
  readonly tag: string;
  /** A hash: the state (`s`, JSON), its version (`v`), its kind (`st`), trial successes (`ok`), lease ids (`seq`), the counts (`b<slot>`) and when its expiry was last refreshed (`t`). */
  readonly state: string;
  /** A sorted set: the half-open trial leases out now, scored by when they expire. */
  readonly trials: string;
}

/** @internal The keys of the breaker `name` under `prefix`. */
export function breakerKeys(prefix: string, name: string): BreakerKeys {
  const tag = hashTagOf(name);
  const base = `${prefix}{${tag}}`;
  return {
    tag,
    state: `${base}:state`,
    trials: `${base}:trials`,
  };
}

/** @internal The channel every transition under `prefix` is published on. */
export function channelOf(prefix: string): string {
  return `${prefix}transitions`;
}

/** A brace, `%`, or half of a surrogate pair without its other half. */
const encodedInTag =
  /[%{}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The longest name a key carries whole; a longer one is cut (see {@link hashTagOf}). */
export const maxNameInKey = 128;
/** How much of a cut name a key keeps, before the digest of the whole name. */
const keptOfLongName = 64;

/**
 * A name as a hash tag. A brace in it would end the tag early (`}`) or leave it empty, scattering
 * the breaker's keys over several slots, so braces — and `%`, to keep distinct names distinct —
 * are percent-encoded. So is a lone surrogate (`%uD800`): the client sends keys as UTF-8, where
 * every lone surrogate becomes U+FFFD, and names that differ only there would share one key. An
 * empty name, which would make an empty tag, becomes a lone `%`, which no encoded name can be.
 *
 * A name longer than {@link maxNameInKey} — a key made of request input can be many kilobytes —
 * becomes its first characters, `%#`, and 128 bits of the SHA-256 of the whole name: each of a
 * breaker's keys, and each flush that names them, would otherwise carry the whole name. `%#`
 * is in no encoded name, so a cut name shares its key with no other name. The digest is a
 * cryptographic one, unlike the labels' (core's `boundedName`): two names that shared a key
 * would share a circuit, and a name chosen by whoever sends the requests must not be able to
 * collide with another on purpose. It hashes the name's UTF-16 code units, as they are: in
 * UTF-8, names that differ only in a lone surrogate would hash alike.
 */
export function hashTagOf(name: string): string {
  if (name.length <= maxNameInKey) return encoded(name);
  const digest = createHash('sha256').update(name, 'utf16le').digest('hex').slice(0, 32);
  return `${encoded(name.slice(0, keptOfLongName))}%#${digest}`;
}

function encoded(name: string): string {
  if (name === '') return '%';
  return name.replace(encodedInTag, (c) =>
    c === '%'
      ? '%25'
      : c === '{'
        ? '%7B'
        : c === '}'
          ? '%7D'
          : `%u${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
