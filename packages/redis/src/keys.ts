/**
 * @internal The Redis keys of one breaker name. Each carries the name as a hash tag
 * (`prefix{name}:…`), so in Redis Cluster all of a breaker's keys live in one slot and one script
 * may touch them all.
 */
export interface BreakerKeys {
  /** A hash: the state (`s`, JSON), its version (`v`), its kind (`st`), trial successes (`ok`), lease ids (`seq`). */
  readonly state: string;
  /** A sorted set: the half-open trial leases out now, scored by when they expire. */
  readonly trials: string;
  /** The hash of outcome counts of time bucket `index` (`c`, `f`, `s`). */
  bucket(index: number): string;
}

/** @internal The keys of the breaker `name` under `prefix`. */
export function breakerKeys(prefix: string, name: string): BreakerKeys {
  const base = `${prefix}{${hashTagOf(name)}}`;
  return {
    state: `${base}:state`,
    trials: `${base}:trials`,
    bucket: (index) => `${base}:counts:${index}`,
  };
}

/** @internal The channel every transition under `prefix` is published on. */
export function channelOf(prefix: string): string {
  return `${prefix}transitions`;
}

/** A brace, `%`, or half of a surrogate pair without its other half. */
const encodedInTag =
  /[%{}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A name as a hash tag. A brace in it would end the tag early (`}`) or leave it empty, scattering
 * the breaker's keys over several slots, so braces — and `%`, to keep distinct names distinct —
 * are percent-encoded. So is a lone surrogate (`%uD800`): the client sends keys as UTF-8, where
 * every lone surrogate becomes U+FFFD, and names that differ only there would share one key. An
 * empty name, which would make an empty tag, becomes a lone `%`, which no encoded name can be.
 */
export function hashTagOf(name: string): string {
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
