// @tripswitch/core on the runtime under test: states, windows, timeouts with AbortSignal, the
// injected clock, the bulkhead, and the rest of what the README promises. Time that the engine
// reads comes from a clock the case moves; the only real timer is a call's timeoutMs, on calls
// that cannot end any other way.
import {
  BreakerRegistry,
  BulkheadFullError,
  CircuitBreaker,
  CircuitOpenError,
  CircuitTimeoutError,
  isBulkheadFullError,
  isCircuitOpenError,
  isCircuitTimeoutError,
} from '@tripswitch/core';
import { type Case, check, equal, manualClock, matches, rejection } from './harness.ts';

const fail = () => Promise.reject(new Error('dependency down'));
const succeed = () => Promise.resolve('fine');

/** A call that ends only when its signal aborts, with the signal's reason. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export const coreCases: Case[] = [
  {
    name: 'core: a count window opens the circuit at the failure rate, and refuses at once',
    async run() {
      const clock = manualClock();
      const breaker = new CircuitBreaker({
        name: 'inventory',
        window: { type: 'count', size: 4 },
        minimumCalls: 4,
        failureRateThreshold: 50,
        openDurationMs: 5_000,
        clock,
      });
      const transitions: string[] = [];
      breaker.on('stateChange', ({ from, to }) => transitions.push(`${from}->${to}`));
      await breaker.execute(succeed);
      await breaker.execute(succeed);
      await rejection(breaker.execute(fail), 'first failure');
      equal(breaker.state, 'closed', 'state after 1 failure of 3 calls');
      await rejection(breaker.execute(fail), 'second failure');
      equal(breaker.state, 'open', 'state at 50 % of 4 calls');
      let called = false;
      const refused = await rejection(
        breaker.execute(async () => {
          called = true;
        }),
        'a call while open',
      );
      check(!called, 'the function ran while the circuit was open');
      check(isCircuitOpenError(refused), 'a refusal is recognised by isCircuitOpenError');
      check(refused instanceof CircuitOpenError, 'a refusal is a CircuitOpenError');
      equal((refused as CircuitOpenError).retryAfterMs, 5_000, 'retryAfterMs');
      equal(transitions, ['closed->open'], 'transitions');
      equal(breaker.stats().totals.rejected, 1, 'rejected total');
    },
  },
  {
    name: 'core: half-open on the injected clock; trials close the circuit, a failed trial reopens it for longer',
    async run() {
      const clock = manualClock();
      const breaker = new CircuitBreaker({
        name: 'pricing',
        minimumCalls: 1,
        halfOpenMaxCalls: 2,
        openDurationMs: { initialMs: 1_000, maxMs: 8_000 },
        clock,
      });
      await rejection(breaker.execute(fail), 'tripping call');
      equal(breaker.state, 'open', 'state after the failure');
      clock.advance(999);
      check(breaker.tryAcquire() === null, 'admitted a call 1 ms before the open period ended');
      clock.advance(1);
      const trial = breaker.tryAcquire();
      check(trial !== null, 'refused the first trial');
      equal(breaker.state, 'half-open', 'state during the trial');
      trial.failure(new Error('still down'));
      equal(breaker.state, 'open', 'state after a failed trial');
      equal(breaker.stats().retryAfterMs, 2_000, 'the second open period (backoff)');
      clock.advance(2_000);
      const first = breaker.tryAcquire();
      const second = breaker.tryAcquire();
      check(first !== null && second !== null, 'refused one of two trials');
      check(breaker.tryAcquire() === null, 'admitted a third trial beyond halfOpenMaxCalls');
      first.success();
      equal(breaker.state, 'half-open', 'state after one successful trial of two');
      second.success();
      equal(breaker.state, 'closed', 'state after two successful trials');
      equal(breaker.stats().calls, 0, 'calls in the window after closing');
    },
  },
  {
    name: 'core: a hung trial counts as failed after halfOpenTimeoutMs, read from the clock',
    async run() {
      const clock = manualClock();
      const breaker = new CircuitBreaker({
        name: 'search',
        minimumCalls: 1,
        halfOpenMaxCalls: 1,
        openDurationMs: 1_000,
        halfOpenTimeoutMs: 3_000,
        clock,
      });
      await rejection(breaker.execute(fail), 'tripping call');
      clock.advance(1_000);
      const hung = breaker.tryAcquire();
      check(hung !== null, 'refused the trial');
      clock.advance(2_999);
      check(breaker.tryAcquire() === null, 'admitted a second trial while the first was out');
      clock.advance(1);
      check(breaker.tryAcquire() === null, 'admitted a call when the hung trial timed out');
      equal(breaker.state, 'open', 'state after the hung trial timed out');
      hung.success(); // late: a no-op
      equal(breaker.state, 'open', 'state after the late settlement');
    },
  },
  {
    name: 'core: a time window forgets failures as the injected clock moves',
    async run() {
      const clock = manualClock();
      const breaker = new CircuitBreaker({
        name: 'ledger',
        window: { type: 'time', durationMs: 10_000, buckets: 10 },
        minimumCalls: 3,
        failureRateThreshold: 100,
        clock,
      });
      await rejection(breaker.execute(fail), 'failure 1');
      await rejection(breaker.execute(fail), 'failure 2');
      equal(breaker.stats().calls, 2, 'calls in the window');
      clock.advance(10_000);
      equal(breaker.stats().calls, 0, 'calls after the window passed');
      await rejection(breaker.execute(fail), 'failure 3');
      equal(breaker.state, 'closed', 'state: the first two failures had aged out');
      await rejection(breaker.execute(fail), 'failure 4');
      await rejection(breaker.execute(fail), 'failure 5');
      equal(breaker.state, 'open', 'state after 3 failures within the window');
    },
  },
  {
    name: 'core: consecutive failures and slow calls trip the circuit',
    async run() {
      const clock = manualClock();
      const consecutive = new CircuitBreaker({
        name: 'mail',
        consecutiveFailures: 3,
        minimumCalls: 100,
        clock,
      });
      for (let i = 0; i < 3; i++) await rejection(consecutive.execute(fail), `failure ${i}`);
      equal(consecutive.state, 'open', 'state after 3 failures in a row');

      const slow = new CircuitBreaker({
        name: 'reports',
        minimumCalls: 2,
        slowCallDurationMs: 1_000,
        slowCallRateThreshold: 100,
        clock,
      });
      for (let i = 0; i < 2; i++) {
        await slow.execute(async () => {
          clock.advance(1_000);
          return 'late but fine';
        });
      }
      equal(slow.stats().slowCalls, 2, 'slow calls');
      equal(slow.state, 'open', 'state after 2 slow calls of 2');
    },
  },
  {
    name: "core: timeoutMs aborts the call's AbortSignal and counts a failure",
    async run() {
      const breaker = new CircuitBreaker({ name: 'geo', timeoutMs: 20 });
      let seen: AbortSignal | undefined;
      const error = await rejection(
        breaker.execute((signal) => {
          seen = signal;
          return untilAborted(signal);
        }),
        'a call that only a timeout ends',
      );
      check(isCircuitTimeoutError(error), `expected a CircuitTimeoutError, got ${String(error)}`);
      check(error instanceof CircuitTimeoutError, 'the timeout is a CircuitTimeoutError');
      check(seen?.aborted === true, "the call's signal was not aborted");
      const { totals, inFlight } = breaker.stats();
      equal(
        [totals.failures, totals.timeouts, inFlight],
        [1, 1, 0],
        'failures, timeouts, in flight',
      );
    },
  },
  {
    name: "core: a caller's abort rejects with its reason and is ignored",
    async run() {
      const breaker = new CircuitBreaker({ name: 'cart' });
      const caller = new AbortController();
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const call = breaker.execute(
        (signal) => {
          started();
          return untilAborted(signal);
        },
        { signal: caller.signal },
      );
      await running;
      const reason = new Error('user navigated away');
      caller.abort(reason);
      equal(
        (await rejection(call, 'the aborted call')) === reason,
        true,
        'rejected with the reason',
      );
      const { totals, calls, inFlight } = breaker.stats();
      equal(
        [totals.ignored, totals.failures, calls, inFlight],
        [1, 0, 0, 0],
        'ignored, failures, calls, in flight',
      );
    },
  },
  {
    name: 'core: the bulkhead bounds what runs, queues, refuses beyond the queue, and frees a slot when a call settles',
    async run() {
      const breaker = new CircuitBreaker({
        name: 'thumbnails',
        bulkhead: { maxConcurrent: 1, maxQueue: 1 },
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let running = 0;
      let most = 0;
      const work = async () => {
        running++;
        most = Math.max(most, running);
        await gate;
        running--;
        return 'done';
      };
      const first = breaker.execute(work);
      const second = breaker.execute(work);
      matches(breaker.stats().bulkhead, { active: 1, queued: 1 }, 'bulkhead with one waiting');
      const third = await rejection(breaker.execute(work), 'a call beyond the queue');
      check(isBulkheadFullError(third), `expected a BulkheadFullError, got ${String(third)}`);
      check(third instanceof BulkheadFullError, 'the refusal is a BulkheadFullError');
      release();
      equal(await Promise.all([first, second]), ['done', 'done'], 'results');
      equal(most, 1, 'most calls running at once');
      matches(breaker.stats().bulkhead, { active: 0, queued: 0 }, 'bulkhead after both settled');
    },
  },
  {
    name: 'core: fallback, wrap, a registry with health, and a snapshot restored',
    async run() {
      const clock = manualClock();
      const prices = new CircuitBreaker({
        name: 'prices',
        minimumCalls: 1,
        openDurationMs: 4_000,
        clock,
        fallback: (_error: unknown, sku: string) => `cached ${sku}`,
      });
      const priceOf = prices.wrap(async (sku: string) => {
        throw new Error(`no price for ${sku}`);
      });
      equal(await priceOf('a-1'), 'cached a-1', 'fallback for a failure');
      equal(await priceOf('a-2'), 'cached a-2', 'fallback for a refusal');
      equal(prices.stats().totals.fallbacks, 2, 'fallbacks');

      const snapshot = prices.toJSON();
      const restored = new CircuitBreaker({ name: 'prices', clock, initialState: snapshot });
      equal(restored.state, 'open', 'state restored from the snapshot');
      clock.advance(4_000);
      check(restored.tryAcquire() !== null, 'refused the trial after the restored open period');

      const registry = new BreakerRegistry({ defaults: { minimumCalls: 1, clock } });
      registry.get('a').isolate();
      registry.get('b');
      const health = registry.health();
      equal(health.status, 'degraded', 'registry health');
      equal(
        health.breakers.map(({ name, state }) => [name, state]),
        [
          ['a', 'forced-open'],
          ['b', 'closed'],
        ],
        'breakers',
      );
    },
  },
  {
    name: "core: a call's signal that the call listened to is not handed to later calls",
    async run() {
      const breaker = new CircuitBreaker();
      const first = await breaker.execute((signal) => signal);
      if (!navigator.userAgent.startsWith('Node.js/')) {
        // Shared on Node.js alone: elsewhere fetch listens natively (workerd also ties a signal
        // to the request that made it), so every call gets a signal of its own.
        equal(await breaker.execute((signal) => signal === first), false, 'a signal per call');
        return;
      }
      equal(await breaker.execute((signal) => signal === first), true, 'shared while unheard');
      let heard = 0;
      const listened = await breaker.execute((signal) => {
        signal.addEventListener('abort', () => heard++);
        return signal;
      });
      equal(listened === first, true, 'the call that listens gets the shared signal');
      const next = await breaker.execute((signal) => signal);
      equal(next === first, false, 'the call after it gets a new signal');
      equal(next.aborted || listened.aborted, false, 'neither signal aborts');
      equal(heard, 0, 'no abort heard');
    },
  },
];
