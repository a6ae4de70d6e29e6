// Per-origin breakers tried as an attacker would: as many requests left hanging, each to another
// origin, as the adapter keeps breakers. The open breaker of a failing origin is never evicted.
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { attachBreaker, CircuitOpenError } from '../src/index.ts';
import { rejection, testAgent } from './support/setup.ts';
import { hang, startUpstream, status } from './support/upstream.ts';

describe('per-origin breakers under attack', () => {
  it('never evict the open breaker of a failing origin, with maxBreakers requests hanging', async () => {
    const failing = await startUpstream(status(500));
    const api = axios.create({ httpAgent: testAgent() });
    attachBreaker(api, {
      maxBreakers: 10,
      minimumCalls: 2,
      failureRateThreshold: 100,
      clock: { now: () => 0 },
    });
    await rejection(api.get(failing.url));
    await rejection(api.get(failing.url));

    const hanging = await Promise.all(Array.from({ length: 10 }, () => startUpstream(hang)));
    for (const upstream of hanging) api.get(upstream.url).catch(() => {});
    await Promise.all(hanging.map((upstream) => upstream.arrivals(1)));

    expect(await rejection(api.get(failing.url))).toBeInstanceOf(CircuitOpenError);
    expect(failing.received).toBe(2);
  });
});
