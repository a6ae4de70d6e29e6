import type { CircuitBreaker } from '@tripswitch/core';
import type { AxiosResponse } from 'axios';
import { type Client, client } from './setup.ts';
import { held, startUpstream, type Upstream, until } from './upstream.ts';

/** A request held at the upstream in the bulkhead's one slot, and one waiting behind it. */
export interface QueuedBehindHeld {
  readonly upstream: Upstream;
  readonly c: Client;
  readonly breaker: CircuitBreaker;
  /** Answers the held request (and any later one). */
  readonly answer: ReturnType<typeof held>;
  readonly first: Promise<AxiosResponse>;
  readonly queued: Promise<AxiosResponse>;
  /** Aborts the queued request, through whatever `signalOf` made of it. */
  readonly controller: AbortController;
}

/**
 * Sends a request that the upstream holds, filling a bulkhead of one slot, then a second with
 * the signal `signalOf` makes of a fresh controller; resolves once the second waits in the queue.
 */
export async function queuedBehindHeld(
  signalOf: (controller: AbortController) => AbortSignal,
): Promise<QueuedBehindHeld> {
  const upstream = await startUpstream();
  const answer = held();
  upstream.answer(answer);
  const c = client({ bulkhead: { maxConcurrent: 1, maxQueue: 5 } });
  const first = c.api.get(`${upstream.url}/first`);
  await upstream.arrivals(1);
  const controller = new AbortController();
  const queued = c.api.get(`${upstream.url}/queued`, { signal: signalOf(controller) });
  const breaker = c.breaker(upstream.url);
  await until(() => breaker.stats().bulkhead?.queued === 1);
  return { upstream, c, breaker, answer, first, queued, controller };
}
