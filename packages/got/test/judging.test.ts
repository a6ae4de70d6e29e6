// Judging a finished attempt runs user code — the breakers' clock, isFailure — and whatever it
// throws, the attempt's permit settles, once: inFlight goes back to 0 and a half-open trial frees
// its slot. The judging is the core's (judgeAndSettle in @tripswitch/core/http).
import { describe, expect, it, vi } from 'vitest';
import type { GotBreakerOptions } from '../src/index.ts';
import { client, gots, rejection } from './support/setup.ts';
import {
  armsTrap,
  held,
  ok,
  startUpstream,
  status,
  type UserCodeTrap,
  userCodeTrap,
} from './support/upstream.ts';

/** Where the trap is set: in the breakers' clock, or in isFailure. */
const userCode: Record<string, (t: UserCodeTrap) => GotBreakerOptions> = {
  clock: (t) => ({
    clock: {
      now: () => {
        t.spring();
        return t.time;
      },
    },
  }),
  isFailure: (t) => ({
    clock: { now: () => t.time },
    isFailure: ({ response }) => {
      t.spring();
      return response?.statusCode !== 200;
    },
  }),
};

describe.each(
  gots.flatMap(({ name, got }) => Object.keys(userCode).map((where) => ({ name, got, where }))),
)('$name: $where that throws while an attempt is judged', ({ got, where }) => {
  const optionsWith = userCode[where] as (t: UserCodeTrap) => GotBreakerOptions;

  it('counts a failure, says so, and settles the permit', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = userCodeTrap();
    const upstream = await startUpstream(armsTrap(t));
    const c = client(got, optionsWith(t));
    expect((await c.got(upstream.url)).statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    expect(report).toHaveBeenCalledOnce();
  });

  it('frees a half-open trial: the circuit reopens, then a later trial closes it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = userCodeTrap();
    const upstream = await startUpstream(status(500));
    const c = client(got, {
      ...optionsWith(t),
      consecutiveFailures: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    await rejection(c.got(upstream.url));
    t.time = 1_000;
    upstream.answer(armsTrap(t));
    expect((await c.got(upstream.url)).statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'open', inFlight: 0 });

    t.time = 10_000;
    upstream.answer(ok);
    expect((await c.got(upstream.url)).statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });
});

describe.each(gots)('$name: a clock that throws when the caller aborts', ({ got }) => {
  it('throws nothing from the abort listener, and settles the permit', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = userCodeTrap();
    const upstream = await startUpstream(held());
    const c = client(got, userCode.clock?.(t));
    const controller = new AbortController();
    const request = c.got(upstream.url, { signal: controller.signal });
    await upstream.arrivals(1);
    t.armed = true;
    controller.abort();
    expect(await rejection(request)).toMatchObject({ code: 'ERR_ABORTED' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    expect(report).toHaveBeenCalledOnce();
  });
});
