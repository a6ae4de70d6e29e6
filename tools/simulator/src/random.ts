/** A source of numbers in [0, 1): the same sequence for the same seed, on every machine. */
export type Random = () => number;

/**
 * A seeded pseudo-random sequence (mulberry32: 32 bits of state, fast, and good enough to decide
 * which calls fail; not for anything secret).
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const fails = random() < 0.05;
 * ```
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The sequence of one keyed draw: `randomFor(seed, 17)` is the same whichever other keys were
 * drawn before it. The simulator keys by call, so a call's fate does not depend on which earlier
 * calls a breaker let through.
 */
export function randomFor(seed: number, key: number): Random {
  return seededRandom(mix(seed, key));
}

/** Two 32-bit numbers to one, well spread (murmur3's finaliser over a golden-ratio step). */
function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
