// withBreaker(fetch) on the runtime under test, against the driver's upstream server on
// 127.0.0.1 (see src/upstream.ts: `?status=` answers that status, `?hang=1` never answers,
// `/_count` and `/_arrived` report what it received).
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { withBreaker } from '@tripswitch/fetch';
import { type Case, check, equal, manualClock, rejection } from './harness.ts';
import { arrived, received } from './upstream-calls.ts';

export const fetchCases: Case[] = [
  {
    name: 'fetch: 5xx responses open the circuit; a refused call never leaves the process; a trial closes it',
    async run({ upstream }) {
      const clock = manualClock();
      const registry = new BreakerRegistry();
      const guarded = withBreaker(fetch, {
        registry,
        minimumCalls: 2,
        failureRateThreshold: 100,
        openDurationMs: 1_000,
        halfOpenMaxCalls: 1,
        clock,
      });
      for (let i = 0; i < 2; i++) {
        const response = await guarded(`${upstream}/fetch-open?status=500`);
        equal(response.status, 500, 'status of a failing call');
        await response.text();
      }
      const breaker = registry.get(upstream);
      equal(breaker.state, 'open', 'state of the breaker for the origin');
      const refused = await rejection(
        guarded(`${upstream}/fetch-open?status=500`),
        'a call while open',
      );
      check(isCircuitOpenError(refused), `expected a CircuitOpenError, got ${String(refused)}`);
      equal(await received(upstream, '/fetch-open'), 2, 'requests the upstream received');

      clock.advance(1_000);
      const trial = await guarded(`${upstream}/fetch-open?status=200`);
      equal(trial.status, 200, 'status of the trial');
      await trial.text();
      equal(breaker.state, 'closed', 'state after a successful trial');
    },
  },
  {
    name: 'fetch: a deadline on a call that hangs is a failure; a caller’s abort is ignored',
    async run({ upstream }) {
      const registry = new BreakerRegistry();
      const guarded = withBreaker(fetch, { registry, minimumCalls: 100 });
      // The upstream never answers: only the deadline can end the call.
      await rejection(
        guarded(`${upstream}/fetch-deadline?hang=1`, { signal: AbortSignal.timeout(20) }),
        'a call past its deadline',
      );
      const breaker = registry.get(upstream);
      equal(breaker.stats().totals.failures, 1, 'failures after the deadline');

      const caller = new AbortController();
      const call = guarded(`${upstream}/fetch-abort?hang=1`, { signal: caller.signal });
      await arrived(upstream, '/fetch-abort');
      caller.abort();
      await rejection(call, 'a call its caller aborted');
      const { totals, inFlight } = breaker.stats();
      equal([totals.failures, totals.ignored, inFlight], [1, 1, 0], 'failures, ignored, in flight');
    },
  },
  {
    name: 'fetch: a 503 with Retry-After holds the circuit open that long',
    async run({ upstream }) {
      const clock = manualClock();
      const registry = new BreakerRegistry();
      const guarded = withBreaker(fetch, {
        registry,
        minimumCalls: 1,
        openDurationMs: 1_000,
        clock,
      });
      const response = await guarded(`${upstream}/fetch-retry-after?status=503&retryAfter=120`);
      await response.text();
      const breaker = registry.get(upstream);
      equal(breaker.state, 'open', 'state after the 503');
      clock.advance(60_000);
      check(breaker.tryAcquire() === null, 'admitted a call before Retry-After had passed');
      clock.advance(60_000);
      check(breaker.tryAcquire() !== null, 'refused the trial once Retry-After had passed');
    },
  },
];
