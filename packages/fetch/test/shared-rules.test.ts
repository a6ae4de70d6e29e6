// One rule for every HTTP client: axios (@tripswitch/axios), got (@tripswitch/got), and fetch —
// through withBreaker() and through the undici interceptor — classify the same server behaviour
// the same way, because they all hand it to the core's judgeHttpCall. For each behaviour, each
// client makes one call to a real upstream; the breaker's totals, state and open-until must be
// the same for all of them.

import type { RequestListener } from 'node:http';
import { attachBreaker } from '@tripswitch/axios';
import type { HttpClientBreakerOptions } from '@tripswitch/core/http';
import { breakerHooks } from '@tripswitch/got';
import axios from 'axios';
import got from 'got';
import * as undici8 from 'undici';
import * as undici7 from 'undici7';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BreakerRegistry, withBreaker } from '../src/index.ts';
import { breakerInterceptor } from '../src/undici/index.ts';
import { deadline } from './support/setup.ts';
import { closedPort, hang, resetMidHeaders, startUpstream, status } from './support/upstream.ts';

/** Sends one GET to `url` with `signal`; resolves or rejects as the client does. */
type Call = (url: string, signal: AbortSignal) => Promise<unknown>;

interface Client {
  name: string;
  /** Builds the client with its breakers in the options' registry. */
  make(options: HttpClientBreakerOptions): Call;
}

const clients: Client[] = [
  {
    name: 'axios + attachBreaker',
    make(options) {
      const api = axios.create();
      onTestFinished(attachBreaker(api, options));
      return (url, signal) => api.get(url, { signal });
    },
  },
  {
    name: 'got + breakerHooks',
    make(options) {
      const client = got.extend({ retry: { limit: 0 } }, breakerHooks(options));
      return (url, signal) => client(url, { signal });
    },
  },
  {
    name: 'fetch + withBreaker',
    make(options) {
      const fetch = withBreaker(globalThis.fetch, options);
      return (url, signal) => fetch(url, { signal }).then((response) => response.text());
    },
  },
  {
    name: 'undici 8 fetch + breakerInterceptor',
    make(options) {
      const dispatcher = new undici8.Agent().compose(breakerInterceptor(options));
      onTestFinished(() => dispatcher.destroy());
      return (url, signal) =>
        undici8.fetch(url, { dispatcher, signal }).then((response) => response.text());
    },
  },
  {
    name: 'Node’s fetch + undici 7 breakerInterceptor',
    make(options) {
      const dispatcher = new undici7.Agent().compose(breakerInterceptor(options) as never);
      onTestFinished(() => dispatcher.destroy());
      return (url, signal) =>
        globalThis
          .fetch(url, { dispatcher, signal } as unknown as RequestInit)
          .then((response) => response.text());
    },
  },
];

/** What one call leaves in its breaker. */
interface Classification {
  successes: number;
  failures: number;
  ignored: number;
  state: string;
  /** How long the circuit stays open, in milliseconds, when it is. */
  openFor: number | undefined;
}

const now = Date.parse('2026-11-23T12:00:00Z');
const openDurationMs = 1_000;
const success: Classification = {
  successes: 1,
  failures: 0,
  ignored: 0,
  state: 'closed',
  openFor: undefined,
};
const failure = (openFor: number): Classification => ({
  successes: 0,
  failures: 1,
  ignored: 0,
  state: 'open',
  openFor,
});
const ignored: Classification = { ...success, successes: 0, ignored: 1 };

interface Behaviour {
  name: string;
  /** How the upstream answers; none: the call goes to a port nothing listens on. */
  serve?: RequestListener;
  /** Aborts the call's signal with this reason once the upstream has received it. */
  abortWith?: unknown;
  expected: Classification;
}

const behaviours: Behaviour[] = [
  { name: '200', serve: status(200), expected: success },
  { name: '404', serve: status(404), expected: success },
  { name: '429 without Retry-After', serve: status(429), expected: failure(openDurationMs) },
  {
    name: '429 with Retry-After: 20',
    serve: status(429, { 'retry-after': '20' }),
    expected: failure(20_000),
  },
  {
    name: '500 with Retry-After: 60 (only 429 and 503 ask to wait)',
    serve: status(500, { 'retry-after': '60' }),
    expected: failure(openDurationMs),
  },
  {
    name: '503 with Retry-After: 30',
    serve: status(503, { 'retry-after': '30' }),
    expected: failure(30_000),
  },
  {
    name: '503 with Retry-After as an HTTP-date 45 s ahead',
    serve: status(503, { 'retry-after': new Date(now + 45_000).toUTCString() }),
    expected: failure(45_000),
  },
  { name: 'connection refused', expected: failure(openDurationMs) },
  {
    name: 'connection reset mid-headers',
    serve: resetMidHeaders,
    expected: failure(openDurationMs),
  },
  {
    name: 'a deadline passes (AbortSignal.timeout’s TimeoutError)',
    serve: hang,
    abortWith: deadline(),
    expected: failure(openDurationMs),
  },
  {
    name: 'the caller aborts',
    serve: hang,
    abortWith: new DOMException('This operation was aborted', 'AbortError'),
    expected: ignored,
  },
];

async function classify(client: Client, behaviour: Behaviour): Promise<Classification> {
  const upstream = behaviour.serve && (await startUpstream(behaviour.serve));
  const url = upstream?.url ?? (await closedPort());
  const registry = new BreakerRegistry();
  const call = client.make({
    registry,
    clock: { now: () => now },
    minimumCalls: 1,
    openDurationMs,
  });
  const controller = new AbortController();
  const settled = call(`${url}/resource`, controller.signal).catch(() => undefined);
  if (behaviour.abortWith !== undefined) {
    await upstream?.arrivals(1);
    controller.abort(behaviour.abortWith);
  }
  await settled;
  expect(upstream?.received ?? 0, `${client.name}: requests received`).toBe(upstream ? 1 : 0);
  const stats = registry.get(url).stats();
  expect(stats.inFlight, `${client.name}: permits left in flight`).toBe(0);
  return {
    successes: stats.totals.successes,
    failures: stats.totals.failures,
    ignored: stats.totals.ignored,
    state: stats.state,
    openFor: stats.retryAfterMs,
  };
}

describe('every HTTP client classifies a server’s behaviour the same way', () => {
  it.each(behaviours)('$name', async (behaviour) => {
    const classified: Record<string, Classification> = {};
    for (const client of clients) classified[client.name] = await classify(client, behaviour);
    expect(classified).toEqual(
      Object.fromEntries(clients.map((client) => [client.name, behaviour.expected])),
    );
  });
});
