// Judging a finished request runs user code — the breakers' clock, isFailure — and whatever it
// throws, the request's permit settles, once: inFlight goes back to 0 and a half-open trial frees
// its slot. The judging is the core's (judgeAndSettle in @tripswitch/core/http).
import { describe, expect, it, vi } from 'vitest';
import type { AxiosBreakerOptions } from '../src/index.ts';
import { client, rejection } from './support/setup.ts';
import {
  armsTrap,
  ok,
  startUpstream,
  status,
  type UserCodeTrap,
  userCodeTrap,
} from './support/upstream.ts';

/** Where the trap is set: in the breakers' clock, or in isFailure. */
const userCode: Record<string, (t: UserCodeTrap) => AxiosBreakerOptions> = {
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
      return response?.status !== 200;
    },
  }),
};

describe.each(Object.keys(userCode))('%s that throws while a request is judged', (where) => {
  const optionsWith = userCode[where] as (t: UserCodeTrap) => AxiosBreakerOptions;

  it('counts a failure, says so, and settles the permit', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = userCodeTrap();
    const upstream = await startUpstream(armsTrap(t));
    const c = client(optionsWith(t));
    expect((await c.api.get(upstream.url)).status).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    expect(report).toHaveBeenCalledOnce();
  });

  it('frees a half-open trial: the circuit reopens, then a later trial closes it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = userCodeTrap();
    const upstream = await startUpstream(status(500));
    const c = client({
      ...optionsWith(t),
      consecutiveFailures: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    await rejection(c.api.get(upstream.url));
    t.time = 1_000;
    upstream.answer(armsTrap(t));
    expect((await c.api.get(upstream.url)).status).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'open', inFlight: 0 });

    t.time = 10_000;
    upstream.answer(ok);
    expect((await c.api.get(upstream.url)).status).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });
});
