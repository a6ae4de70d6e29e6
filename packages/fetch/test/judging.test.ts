// Judging a finished call runs user code — the breakers' clock, isFailure — and whatever it
// throws, the request's permit settles, once: inFlight goes back to 0 and a half-open trial frees
// its slot. The judging is the core's (judgeAndSettle in @tripswitch/core/http).
import { describe, expect, it, vi } from 'vitest';
import type { FetchBreakerOptions } from '../src/index.ts';
import type { UndiciBreakerOptions } from '../src/undici/index.ts';
import { client, undiciClient, undicis } from './support/setup.ts';
import {
  armsTrap,
  ok,
  startUpstream,
  status,
  type UserCodeTrap,
  userCodeTrap,
} from './support/upstream.ts';

/** Where the trap is set: in the breakers' clock, or in isFailure. */
const userCode: Record<string, (t: UserCodeTrap) => FetchBreakerOptions & UndiciBreakerOptions> = {
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
    isFailure: ({ response }: { response: Response | { statusCode: number } | undefined }) => {
      t.spring();
      const status =
        response === undefined ? 0 : 'status' in response ? response.status : response.statusCode;
      return status !== 200;
    },
  }),
};

describe.each(Object.keys(userCode))(
  'withBreaker: %s that throws while a call is judged',
  (where) => {
    const optionsWith = userCode[where] as (
      t: UserCodeTrap,
    ) => FetchBreakerOptions & UndiciBreakerOptions;

    it('counts a failure, says so, and settles the permit', async () => {
      const report = vi.spyOn(console, 'error').mockImplementation(() => {});
      const t = userCodeTrap();
      const upstream = await startUpstream(armsTrap(t));
      const c = client(optionsWith(t));
      expect((await c.fetch(upstream.url)).status).toBe(200);
      expect(c.breaker(upstream.url).stats()).toMatchObject({
        inFlight: 0,
        totals: { failures: 1 },
      });
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
      expect((await c.fetch(upstream.url)).status).toBe(500);
      t.time = 1_000;
      upstream.answer(armsTrap(t));
      expect((await c.fetch(upstream.url)).status).toBe(200);
      expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'open', inFlight: 0 });

      t.time = 10_000;
      upstream.answer(ok);
      expect((await c.fetch(upstream.url)).status).toBe(200);
      expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
    });
  },
);

describe.each(
  undicis.flatMap(({ name, undici }) =>
    Object.keys(userCode).map((where) => ({ name, undici, where })),
  ),
)('$name: $where that throws while a request is judged', ({ undici, where }) => {
  const optionsWith = userCode[where] as (
    t: UserCodeTrap,
  ) => FetchBreakerOptions & UndiciBreakerOptions;

  it('counts a failure, says so, and settles the permit', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = userCodeTrap();
    const upstream = await startUpstream(armsTrap(t));
    const c = undiciClient(undici, optionsWith(t));
    expect((await c.request(upstream.url)).statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    expect(report).toHaveBeenCalledOnce();
  });

  it('frees a half-open trial: the circuit reopens, then a later trial closes it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = userCodeTrap();
    const upstream = await startUpstream(status(500));
    const c = undiciClient(undici, {
      ...optionsWith(t),
      consecutiveFailures: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    expect((await c.request(upstream.url)).statusCode).toBe(500);
    t.time = 1_000;
    upstream.answer(armsTrap(t));
    expect((await c.request(upstream.url)).statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'open', inFlight: 0 });

    t.time = 10_000;
    upstream.answer(ok);
    expect((await c.request(upstream.url)).statusCode).toBe(200);
    expect(c.breaker(upstream.url).stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });
});
