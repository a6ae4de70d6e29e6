// Per-origin breakers tried as an attacker would: as many requests left hanging, each to another
// origin, as the adapter keeps breakers. The open breaker of a failing origin is never evicted.
import * as undici from 'undici';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CircuitOpenError, isCircuitOpenError, withBreaker } from '../src/index.ts';
import { breakerInterceptor } from '../src/undici/index.ts';
import { rejection } from './support/setup.ts';
import { hang, startUpstream, status, type Upstream } from './support/upstream.ts';

const options = {
  maxBreakers: 10,
  minimumCalls: 2,
  failureRateThreshold: 100,
  clock: { now: () => 0 },
};

/** Ten upstreams that never answer, each holding one request of `send`. */
async function hangTen(send: (url: string) => Promise<unknown>): Promise<Upstream[]> {
  const hanging = await Promise.all(Array.from({ length: 10 }, () => startUpstream(hang)));
  for (const upstream of hanging) send(upstream.url).catch(() => {});
  await Promise.all(hanging.map((upstream) => upstream.arrivals(1)));
  return hanging;
}

describe('per-origin breakers under attack', () => {
  it('withBreaker: never evicts the open breaker of a failing origin, with maxBreakers calls hanging', async () => {
    const failing = await startUpstream(status(500));
    const fetch = withBreaker(globalThis.fetch, options);
    expect((await fetch(failing.url)).status).toBe(500);
    expect((await fetch(failing.url)).status).toBe(500);

    await hangTen((url) => fetch(url));

    expect(await rejection(fetch(failing.url))).toBeInstanceOf(CircuitOpenError);
    expect(failing.received).toBe(2);
  });

  it('breakerInterceptor: never evicts the open breaker of a failing origin, with maxBreakers requests hanging', async () => {
    const failing = await startUpstream(status(500));
    const agent = new undici.Agent();
    onTestFinished(() => agent.destroy());
    const dispatcher = agent.compose(breakerInterceptor(options));
    const request = (url: string) => undici.request(url, { dispatcher });
    expect((await request(failing.url)).statusCode).toBe(500);
    expect((await request(failing.url)).statusCode).toBe(500);

    await hangTen(request);

    expect(isCircuitOpenError(await rejection(request(failing.url)))).toBe(true);
    expect(failing.received).toBe(2);
  });
});
