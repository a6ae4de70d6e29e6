import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedName } from './bounded-name.ts';

const cut = /^([\s\S]*)\u2026([0-9a-f]{16})$/;
// A lone surrogate: with the u flag, a pair is one code point and does not match.
const loneSurrogate = /[\uD800-\uDFFF]/u;

/** The prefix and id of a cut name; fails when `label` is not one. */
function parts(label: string): { prefix: string; id: string } {
  const match = cut.exec(label);
  if (match === null) throw new Error(`Not a cut name: ${label}`);
  return { prefix: match[1] as string, id: match[2] as string };
}

describe('boundedName', () => {
  it('returns a name within the limit as it is, up to exactly maxLength units', () => {
    expect(boundedName('payments', 32)).toBe('payments');
    expect(boundedName('', 32)).toBe('');
    const atLimit = 'x'.repeat(120);
    expect(boundedName(atLimit, 120)).toBe(atLimit);
  });

  it('cuts a name one unit over the limit to exactly maxLength: prefix, … and 16 hex digits', () => {
    const name = 'y'.repeat(121);
    const label = boundedName(name, 120);
    expect(label).toHaveLength(120);
    expect(parts(label).prefix).toBe('y'.repeat(120 - 17));
  });

  it('keeps a 16 KB name to maxLength', () => {
    const name = `/tenants/${'t'.repeat(16_384)}`;
    for (const maxLength of [32, 120, 1_000, 65_536 / 8]) {
      const label = boundedName(name, maxLength);
      expect(label).toHaveLength(maxLength);
      expect(name.startsWith(parts(label).prefix)).toBe(true);
    }
  });

  it('never cuts a surrogate pair: the whole pair goes, and the label is one unit shorter', () => {
    const emoji = '\u{1F600}';
    // Cut to 32, the prefix is the first 15 units: the pair would be units 14 and 15.
    const split = `${'a'.repeat(14)}${emoji}${'b'.repeat(100)}`;
    const label = boundedName(split, 32);
    expect(label).toHaveLength(31);
    expect(parts(label).prefix).toBe('a'.repeat(14));
    expect(loneSurrogate.test(label)).toBe(false);
    // A pair that ends before the cut is kept whole.
    const whole = `${'a'.repeat(13)}${emoji}${'b'.repeat(100)}`;
    expect(boundedName(whole, 32)).toHaveLength(32);
    expect(parts(boundedName(whole, 32)).prefix).toBe(`${'a'.repeat(13)}${emoji}`);
  });

  it('gives names that differ only in their tail ids of their own', () => {
    const prefix = 'p'.repeat(2_000);
    const labels = new Set<string>();
    for (let i = 0; i < 10_000; i++) labels.add(boundedName(`${prefix}${i}`, 32));
    expect(labels.size).toBe(10_000);
    // The last unit alone, and one bit of it, makes a difference.
    expect(boundedName(`${prefix}a`, 32)).not.toBe(boundedName(`${prefix}c`, 32));
    expect(boundedName(`${prefix}\u0100`, 32)).not.toBe(boundedName(`${prefix}\u0000`, 32));
  });

  it('is deterministic: the same name gives the same id, whatever the limit', () => {
    const name = `GET /items/${'9'.repeat(500)}`;
    expect(boundedName(name, 64)).toBe(boundedName(name, 64));
    expect(parts(boundedName(name, 64)).id).toBe(parts(boundedName(name, 200)).id);
    // Pinned: a label that changed between releases would start new series for the same breaker.
    expect(boundedName('z'.repeat(40), 32)).toBe(`${'z'.repeat(15)}\u202693e5cf24eda7e385`);
  });

  it('holds for any name and limit: short names as they are, long ones cut to the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 32, max: 200 }),
        (name, maxLength) => {
          const label = boundedName(name, maxLength);
          if (name.length <= maxLength) return label === name;
          const { prefix } = parts(label);
          const highBeforeCut = /[\uD800-\uDBFF]$/.test(name.slice(0, maxLength - 17));
          return (
            label.length === (highBeforeCut ? maxLength - 1 : maxLength) &&
            name.startsWith(prefix) &&
            !/[\uD800-\uDBFF]$/.test(prefix)
          );
        },
      ),
    );
  });
});
