import { describe, expect, it } from 'vitest';
import { breakerKeys, channelOf, hashTagOf, maxNameInKey } from './keys.ts';

/** What Redis Cluster hashes: between the first { and the first } after it, when not empty. */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('breakerKeys', () => {
  it('puts the name as a hash tag in every key of a breaker', () => {
    const keys = breakerKeys('tripswitch:', 'payments');
    expect(keys.state).toBe('tripswitch:{payments}:state');
    expect(keys.trials).toBe('tripswitch:{payments}:trials');
  });

  it.each([
    'payments',
    'pay{ments}',
    '}payments',
    '{',
    '}{',
    'a%7Bb',
    '',
    'https://api.example.com:443',
    `{${'}'.repeat(20_000)}`,
  ])('keeps every key of %j under one non-empty tag', (name) => {
    const keys = breakerKeys('app:', name);
    const tags = [keys.state, keys.trials].map(hashedPart);
    expect(new Set(tags).size).toBe(1);
    expect(tags[0]).toBe(hashTagOf(name));
    expect(tags[0]).not.toBe('');
    expect(tags[0]).not.toMatch(/[{}]/);
  });

  it('keeps distinct names distinct', () => {
    const names = ['a{b', 'a%7Bb', 'a%257Bb', 'a}b', 'a%7Db', '', '%', '%25'];
    expect(new Set(names.map(hashTagOf)).size).toBe(names.length);
  });

  it('keeps names distinct that differ only in a lone surrogate, in the bytes Redis gets', () => {
    // A client sends keys as UTF-8, where every lone surrogate becomes U+FFFD.
    const names = ['x\uD800', 'x\uDC00', 'x\uFFFD', 'x\uD83D', 'x%uD800', 'x\uD83D\uDCB3'];
    const bytes = names.map((name) => Buffer.from(hashTagOf(name)).toString('hex'));
    expect(new Set(bytes).size).toBe(names.length);
    expect(hashTagOf('x\uD83D\uDCB3')).toBe('x\uD83D\uDCB3');
  });

  it('cuts a long name to its start and a digest of the whole, one key per name', () => {
    const long = `tenant/${'x'.repeat(16_000)}`;
    const tag = hashTagOf(long);
    expect(tag).toMatch(/^tenant\/x{57}%#[0-9a-f]{32}$/);
    expect(hashTagOf(long)).toBe(tag);
    // Names alike in their first characters, or alike but for a lone surrogate (UTF-8 makes each
    // U+FFFD), or a short name written to look like a cut one: each has a key of its own.
    const names = [
      long,
      `${long}y`,
      `${long.slice(0, -1)}y`,
      `${long}\uD800`,
      `${long}\uDC00`,
      `${long}\uFFFD`,
      tag,
      'n'.repeat(maxNameInKey),
      'n'.repeat(maxNameInKey + 1),
    ];
    const bytes = names.map((name) => Buffer.from(hashTagOf(name)).toString('hex'));
    expect(new Set(bytes).size).toBe(names.length);
    expect(hashTagOf('n'.repeat(maxNameInKey))).toBe('n'.repeat(maxNameInKey));
    for (const name of names) expect(hashTagOf(name).length).toBeLessThanOrEqual(maxNameInKey * 2);
  });

  it('publishes on one channel per prefix', () => {
    expect(channelOf('tripswitch:')).toBe('tripswitch:transitions');
  });
});
