// The caller's signal: any object axios accepts as one, and one signal shared by many requests.
import { getEventListeners } from 'node:events';
import axios, { isCancel } from 'axios';
import { describe, expect, it } from 'vitest';
import { queuedBehindHeld } from './support/queued.ts';
import { client, rejection, testAgent } from './support/setup.ts';
import { ok, startUpstream } from './support/upstream.ts';

/**
 * A signal from an AbortController polyfill (or another realm, such as jsdom's): axios accepts
 * any object with `aborted` and `addEventListener`, though it is no AbortSignal of this realm.
 * A class, as polyfills are: axios copies a plain object's properties into the request's config.
 */
class LookAlikeSignal {
  readonly #signal: AbortSignal;
  constructor(controller: AbortController) {
    this.#signal = controller.signal;
  }
  get aborted(): boolean {
    return this.#signal.aborted;
  }
  get reason(): unknown {
    return this.#signal.reason;
  }
  addEventListener(type: 'abort', listener: () => void): void {
    this.#signal.addEventListener(type, listener);
  }
  removeEventListener(type: 'abort', listener: () => void): void {
    this.#signal.removeEventListener(type, listener);
  }
}

function lookAlike(controller: AbortController): AbortSignal {
  return new LookAlikeSignal(controller) as unknown as AbortSignal;
}

/** A signal whose `aborted` getter answers axios's first read, and throws on every read after it. */
class ThrowingSignal {
  reads = 0;
  get aborted(): boolean {
    this.reads += 1;
    if (this.reads > 1) throw new Error('a getter that throws');
    return false;
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

describe('a signal that only looks like an AbortSignal', () => {
  it('is accepted as axios accepts it: the request is sent and counted', async () => {
    const upstream = await startUpstream(ok);
    const without = await axios.get(upstream.url, {
      httpAgent: testAgent(),
      signal: lookAlike(new AbortController()),
    });
    expect(without.status).toBe(200);
    const c = client();
    const response = await c.api.get(upstream.url, { signal: lookAlike(new AbortController()) });
    expect(response.status).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0 },
    });
  });

  it('cancels a request in the bulkhead’s queue when it reaches the front, holding no permit', async () => {
    const { upstream, breaker, answer, first, queued, controller } =
      await queuedBehindHeld(lookAlike);
    controller.abort();
    answer.release();
    await first;
    expect(isCancel(await rejection(queued))).toBe(true);
    expect(upstream.received).toBe(1);
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { successes: 1, failures: 0, ignored: 1 },
    });
  });

  it('whose aborted getter throws once the request is admitted: the permit still settles', async () => {
    const upstream = await startUpstream(ok);
    const c = client();
    const hostile = new ThrowingSignal();
    await rejection(c.api.get(upstream.url, { signal: hostile as unknown as AbortSignal }));
    expect(hostile.reads).toBeGreaterThan(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0 });
  });
});

describe('a long-lived signal shared by many requests', () => {
  it.each([
    ['without a bulkhead', {}],
    ['with a bulkhead that queues', { bulkhead: { maxConcurrent: 4, maxQueue: 1_000 } }],
  ])('%s: nothing listens on it once they are done', async (_how, options) => {
    const upstream = await startUpstream(ok);
    const c = client(options);
    const { signal } = new AbortController();
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 100 }, () => c.api.get(upstream.url, { signal })));
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1_000 },
    });
  });
});
