// Where the runtimes' web APIs differ: signals made by AbortSignal.any() and AbortSignal.abort(),
// how each runtime's fetch rejects a call it cannot connect or will not send (a TypeError in
// each, worded differently), and what the default clock reads.
import { BreakerRegistry, CircuitBreaker, systemClock } from '@tripswitch/core';
import { withBreaker } from '@tripswitch/fetch';
import { type Case, check, equal, rejection } from './harness.ts';
import { arrived } from './upstream-calls.ts';

/** A call the runtime's fetch refuses to send, or sends as asked; never the service's fault. */
const unsendable: ReadonlyArray<[string, RequestInit]> = [
  ['method CONNECT', { method: 'CONNECT' }],
  ['method TRACE', { method: 'TRACE' }],
  ['a method with a space', { method: 'GET POST' }],
  ['a header value with a line break', { headers: { 'x-note': 'one\r\ntwo' } }],
  ['a header value with a NUL', { headers: { 'x-note': 'one\u0000two' } }],
  ['a header value beyond Latin-1', { headers: { 'x-note': '€' } }],
  ['a header name with a space', { headers: { 'x note': 'one' } }],
  ['a GET with a body', { method: 'GET', body: 'a body' }],
  ['a HEAD with a body', { method: 'HEAD', body: 'a body' }],
];

export const webApiCases: Case[] = [
  {
    name: 'web: execute() takes signals from AbortSignal.any() and AbortSignal.abort()',
    async run() {
      const breaker = new CircuitBreaker({ name: 'web-signals' });
      const first = new AbortController();
      const second = new AbortController();
      const either = AbortSignal.any([first.signal, second.signal]);
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const call = breaker.execute(
        (signal) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
            started();
          }),
        { signal: either },
      );
      await running;
      const reason = new Error('the second owner gave up');
      second.abort(reason);
      equal((await rejection(call, 'a call aborted through any()')) === reason, true, 'reason');
      const already = new Error('gave up before calling');
      const early = breaker.execute(async () => 'never runs', {
        signal: AbortSignal.abort(already),
      });
      equal((await rejection(early, 'a call already aborted')) === already, true, 'reason');
      const { totals, inFlight } = breaker.stats();
      equal(
        [totals.ignored, totals.cancelled, totals.failures, inFlight],
        [1, 1, 0, 0],
        'ignored, cancelled, failures, in flight',
      );
    },
  },
  {
    name: 'web: withBreaker(fetch) counts a deadline inside AbortSignal.any() a failure, and its other owner’s abort not',
    async run({ upstream }) {
      const registry = new BreakerRegistry();
      const guarded = withBreaker(fetch, { registry, minimumCalls: 100 });
      const bystander = new AbortController();
      await rejection(
        guarded(`${upstream}/web-any-deadline?hang=1`, {
          signal: AbortSignal.any([bystander.signal, AbortSignal.timeout(20)]),
        }),
        'a call past the deadline of its combined signal',
      );
      const caller = new AbortController();
      const call = guarded(`${upstream}/web-any-abort?hang=1`, {
        signal: AbortSignal.any([caller.signal, new AbortController().signal]),
      });
      await arrived(upstream, '/web-any-abort');
      caller.abort();
      await rejection(call, 'a call its caller aborted through any()');
      const { totals, inFlight } = registry.get(upstream).stats();
      equal([totals.failures, totals.ignored, inFlight], [1, 1, 0], 'failures, ignored, in flight');
    },
  },
  {
    name: 'web: withBreaker(fetch) counts a refused connection a failure',
    async run() {
      const registry = new BreakerRegistry();
      const guarded = withBreaker(fetch, { registry, minimumCalls: 100 });
      // Port 1 on the loopback: nothing listens there, so the connection is refused.
      const closed = 'http://127.0.0.1:1';
      let status = 0;
      try {
        const response = await guarded(`${closed}/web-refused`);
        status = response.status;
        await response.text();
      } catch {
        // The usual answer: fetch rejects (with a TypeError in most runtimes).
      }
      check(status === 0 || status >= 500, `a refused connection answered ${status}`);
      equal(registry.get(closed).stats().totals.failures, 1, 'failures');
    },
  },
  {
    name: 'web: withBreaker(fetch) never counts a call fetch will not send a failure, whatever the runtime refuses',
    // Bun's Request and fetch accept CONNECT, which the Fetch standard forbids, and send it; a
    // Node.js server resets the connection, and Bun's fetch rejects with a TypeError: counted,
    // that would let a gateway's clients open the circuit of a healthy service.
    async run({ upstream }) {
      const registry = new BreakerRegistry();
      const guarded = withBreaker(fetch, { registry, minimumCalls: 1 });
      const counted: string[] = [];
      for (const [what, init] of unsendable) {
        try {
          const response = await guarded(`${upstream}/web-unsendable`, init);
          await response.text();
        } catch {
          // Refused by this runtime's fetch (or its Request): the caller's mistake.
        }
        const { state, totals } = registry.get(upstream).stats();
        if (totals.failures > counted.length) counted.push(`${what} (${state})`);
      }
      equal(counted, [], 'calls counted as failures');
    },
  },
  {
    name: 'web: withBreaker(fetch) judges a streamed 503 by its headers and leaves its body to the caller',
    async run() {
      const registry = new BreakerRegistry();
      let pull = 0;
      const streamed = async (): Promise<Response> => {
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            pull++;
            controller.enqueue(new TextEncoder().encode('busy'));
            controller.close();
          },
        });
        return new Response(body, { status: 503, headers: { 'retry-after': '30' } });
      };
      const guarded = withBreaker(streamed, { registry, minimumCalls: 1 });
      const response = await guarded('https://streamed.test/busy');
      const { state, retryAfterMs } = registry.get('https://streamed.test').stats();
      equal(state, 'open', 'state after the 503');
      check(
        retryAfterMs !== undefined && retryAfterMs > 29_000 && retryAfterMs <= 30_000,
        `retryAfterMs: ${retryAfterMs}`,
      );
      equal(response.bodyUsed, false, 'the body was read before the caller');
      equal(await response.text(), 'busy', 'the body the caller reads');
      equal(pull, 1, 'reads of the stream');
    },
  },
  {
    name: 'web: calls with a long timeoutMs or queueTimeoutMs leave no timer behind once they end',
    // What this checks shows when the suite ends: a timer left running keeps Node.js, Bun and
    // Deno from exiting for ten minutes, and the driver reports the runtime as hung.
    async run() {
      const breaker = new CircuitBreaker({
        name: 'web-timers',
        timeoutMs: 600_000,
        bulkhead: { maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 600_000 },
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const holding = breaker.execute(() => gate.then(() => 'held'));
      const queued = breaker.execute(async () => 'queued');
      const caller = new AbortController();
      const leaving = breaker.execute(async () => 'never runs', { signal: caller.signal });
      await rejection(leaving, 'a call beyond the queue');
      release();
      equal(await Promise.all([holding, queued]), ['held', 'queued'], 'results');
      const aborted = breaker.execute(
        (signal) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          }),
        { signal: caller.signal },
      );
      caller.abort();
      await rejection(aborted, 'a call its caller aborted');
      equal(breaker.stats().inFlight, 0, 'in flight');
    },
  },
  {
    name: 'web: the default clock reads close to the epoch, as Date.now() does',
    async run() {
      const gap = Math.abs(systemClock.now() - Date.now());
      check(gap < 60_000, `systemClock.now() is ${gap} ms from Date.now()`);
      const breaker = new CircuitBreaker({ name: 'web-clock', minimumCalls: 1 });
      await rejection(
        breaker.execute(() => Promise.reject(new Error('down'))),
        'a failure',
      );
      const { openedAt } = breaker.stats();
      check(
        openedAt !== undefined && Math.abs(openedAt - Date.now()) < 60_000,
        `openedAt: ${openedAt}`,
      );
    },
  },
];
