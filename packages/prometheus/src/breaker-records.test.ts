import { BreakerRegistry } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { BreakerRecords } from './breaker-records.ts';

describe('BreakerRecords', () => {
  it('stays within twice the registry plus 16 while names come and go, without a scrape', () => {
    const registry = new BreakerRegistry({ maxBreakers: 10 });
    const dropped: string[] = [];
    const records = new BreakerRecords(registry, 120, (name) => dropped.push(name));
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      const name = `key-${i}`;
      registry.get(name);
      records.get(name).openSince = i;
      most = Math.max(most, [...records.entries()].length);
    }
    expect(most).toBe(2 * 10 + 16);
    expect(dropped).toHaveLength(10_000 - [...records.entries()].length);
    expect(dropped[0]).toBe('key-0');
  });

  it('keeps the records of breakers the registry holds, and drops the others on sweep', () => {
    const registry = new BreakerRegistry();
    const dropped: string[] = [];
    const records = new BreakerRecords(registry, 120, (name, record) =>
      dropped.push(`${name} ${record.openSince}`),
    );
    registry.get('a');
    registry.get('b');
    records.get('a').openSince = 1;
    records.get('b').openSince = 2;
    expect([...records.entries()].map(([name]) => name)).toEqual(['a', 'b']);
    registry.delete('a');
    records.sweep();
    expect(dropped).toEqual(['a 1']);
    expect([...records.entries()].map(([name]) => name)).toEqual(['b']);
  });

  it("holds each breaker's label: its name, cut to maxNameLength when longer", () => {
    const registry = new BreakerRegistry();
    const records = new BreakerRecords(registry, 32, () => {});
    const long = 'n'.repeat(40);
    expect(records.get('short').label).toBe('short');
    expect(records.get('n'.repeat(32)).label).toBe('n'.repeat(32));
    const { label } = records.get(long);
    expect(label).toHaveLength(32);
    expect(label).toMatch(/^n{15}\u2026[0-9a-f]{16}$/);
    expect(records.get(long).label).toBe(label);
  });
});
