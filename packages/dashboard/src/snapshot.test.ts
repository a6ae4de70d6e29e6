import { BreakerRegistry } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { takeSnapshot, toSnapshot } from './snapshot.ts';

describe('snapshots', () => {
  it('shows every breaker, sorted by name, with the rates it is given', () => {
    let now = 0;
    const registry = new BreakerRegistry({
      defaults: {
        clock: { now: () => now },
        minimumCalls: 2,
        window: { type: 'count', size: 4 },
        openDurationMs: 30_000,
      },
    });
    const b = registry.get('b');
    registry.get('a').tryAcquire()?.success();
    for (let i = 0; i < 2; i++) b.tryAcquire()?.failure(new Error('down'));
    now = 10_000;
    b.tryAcquire();

    const snapshot = toSnapshot(
      registry.stats(),
      new Map([['b', { callsPerSecond: 2, rejectedPerSecond: 0.5 }]]),
      1234,
    );
    expect(snapshot).toEqual({
      status: 'degraded',
      time: 1234,
      breakers: [
        expect.objectContaining({
          name: 'a',
          state: 'closed',
          failureRate: 0,
          calls: 1,
          callsPerSecond: null,
          rejectedPerSecond: null,
          retryAfterMs: null,
        }),
        expect.objectContaining({
          name: 'b',
          state: 'open',
          failureRate: 100,
          callsPerSecond: 2,
          rejectedPerSecond: 0.5,
          rejected: 1,
          retryAfterMs: 20_000,
        }),
      ],
    });
  });

  it('is ok when every circuit is closed or disabled, and survives JSON', () => {
    const registry = new BreakerRegistry();
    registry.get('x').disable();
    registry.get('y');
    const snapshot = takeSnapshot(registry);
    expect(snapshot.status).toBe('ok');
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('orders names by code unit, the same everywhere', () => {
    const registry = new BreakerRegistry();
    for (const name of ['b', 'B', 'a', 'Ä']) registry.get(name);
    expect(takeSnapshot(registry).breakers.map(({ name }) => name)).toEqual(['B', 'a', 'b', 'Ä']);
  });
});
