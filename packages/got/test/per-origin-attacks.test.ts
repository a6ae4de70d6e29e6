// Per-origin breakers tried as an attacker would: as many requests left hanging, each to another
// origin, as the adapter keeps breakers. The open breaker of a failing origin is never evicted.
import got from 'got';
import { describe, expect, it } from 'vitest';
import { breakerHooks, CircuitOpenError } from '../src/index.ts';
import { rejection } from './support/setup.ts';
import { hang, startUpstream, status } from './support/upstream.ts';

describe('per-origin breakers under attack', () => {
  it('never evict the open breaker of a failing origin, with maxBreakers requests hanging', async () => {
    const failing = await startUpstream(status(500));
    const client = got.extend(
      { retry: { limit: 0 } },
      breakerHooks({
        maxBreakers: 10,
        minimumCalls: 2,
        failureRateThreshold: 100,
        clock: { now: () => 0 },
      }),
    );
    await rejection(client(failing.url));
    await rejection(client(failing.url));

    const hanging = await Promise.all(Array.from({ length: 10 }, () => startUpstream(hang)));
    for (const upstream of hanging) client(upstream.url).catch(() => {});
    await Promise.all(hanging.map((upstream) => upstream.arrivals(1)));

    expect(await rejection(client(failing.url))).toBeInstanceOf(CircuitOpenError);
    expect(failing.received).toBe(2);
  });
});
