import { BreakerRegistry } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { TransitionCounts } from './transition-counts.ts';

describe('TransitionCounts', () => {
  it('counts transitions per breaker, from, to and reason', () => {
    const registry = new BreakerRegistry();
    registry.get('a');
    const counts = new TransitionCounts(registry);
    counts.record({ name: 'a', from: 'closed', to: 'open', reason: 'failure-rate' });
    counts.record({ name: 'a', from: 'closed', to: 'open', reason: 'failure-rate' });
    counts.record({ name: 'a', from: 'closed', to: 'open', reason: 'slow-call-rate' });
    expect([...counts.counts()]).toEqual([
      { name: 'a', from: 'closed', to: 'open', reason: 'failure-rate', count: 2 },
      { name: 'a', from: 'closed', to: 'open', reason: 'slow-call-rate', count: 1 },
    ]);
  });

  it('forgets breakers the registry dropped, at collection or when names keep coming', () => {
    const registry = new BreakerRegistry({ maxBreakers: 10 });
    const counts = new TransitionCounts(registry);
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      const name = `key-${i}`;
      registry.get(name);
      counts.record({ name, from: 'closed', to: 'forced-open', reason: 'isolate' });
      most = Math.max(most, counts.size);
    }
    expect(most).toBe(2 * 10 + 16);
    expect([...counts.counts()].map(({ name }) => name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `key-${9_990 + i}`),
    );
    expect(counts.size).toBe(10);
  });
});
