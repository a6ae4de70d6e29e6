import { BreakerRegistry } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { BreakerLabels } from './breaker-labels.ts';

describe('BreakerLabels', () => {
  it('gives a name within the limit as it is, and cuts a longer one, the same every time', () => {
    const registry = new BreakerRegistry();
    const labels = new BreakerLabels(registry, 32);
    expect(labels.of('payments')).toBe('payments');
    expect(labels.of('a'.repeat(32))).toBe('a'.repeat(32));
    const long = 'b'.repeat(33);
    registry.get(long);
    const label = labels.of(long);
    expect(label).toMatch(/^b{15}\u2026[0-9a-f]{16}$/);
    expect(labels.of(long)).toBe(label);
    // Only the cut name is kept.
    expect(labels.size).toBe(1);
  });

  it('stays within twice the registry plus 16 while long names come and go', () => {
    const registry = new BreakerRegistry({ maxBreakers: 10 });
    const labels = new BreakerLabels(registry, 32);
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      const name = `${'k'.repeat(100)}-${i}`;
      registry.get(name);
      labels.of(name);
      most = Math.max(most, labels.size);
    }
    expect(most).toBe(2 * 10 + 16);
    labels.sweep();
    expect(labels.size).toBe(10);
  });
});
