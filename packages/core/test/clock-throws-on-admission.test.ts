// `execute()` never throws: a breaker clock that throws while a call is admitted or refused
// makes the call's promise reject, on the plain path and off it.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitBreakerOptions } from '../src/index.ts';

let broken = false;
const clock = {
  now: () => {
    if (broken) throw new Error('clock broke');
    return 0;
  },
};

/** A breaker that is open (its clock is read to refuse) or closed timing its calls. */
function breakerIn(state: 'open' | 'closed', options: CircuitBreakerOptions<unknown>) {
  return new CircuitBreaker<unknown>({
    name: 'clock-on-admission',
    clock,
    slowCallDurationMs: 1_000,
    ...options,
    ...(state === 'open'
      ? { initialState: { version: 1, state: 'open', openedAt: 0, openUntil: 10, attempt: 1 } }
      : {}),
  });
}

/** Calls `call`, telling a synchronous throw from a rejection. */
async function outcomeOf(call: () => Promise<unknown>): Promise<string> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    return `threw: ${(error as Error).message}`;
  }
  return promise.then(
    () => 'resolved',
    (error: unknown) => `rejected: ${(error as Error).message}`,
  );
}

describe('a clock that throws while a call is admitted', () => {
  const ways: Array<
    [string, CircuitBreakerOptions<unknown>, (b: CircuitBreaker<unknown>) => Promise<unknown>]
  > = [
    ['execute() with a timeout', { timeoutMs: 1_000 }, (b) => b.execute(async () => 'ok')],
    [
      'execute() with a signal',
      {},
      (b) => b.execute(async () => 'ok', { signal: new AbortController().signal }),
    ],
    ['wrap() with a fallback', { fallback: () => 'fallback' }, (b) => b.wrap(async () => 'ok')()],
  ];
  for (const state of ['open', 'closed'] as const) {
    it.each(ways)(`%s rejects rather than throws (${state})`, async (_, options, call) => {
      const breaker = breakerIn(state, options);
      broken = true;
      try {
        expect(await outcomeOf(() => call(breaker))).toBe('rejected: clock broke');
      } finally {
        broken = false;
      }
      expect(breaker.inFlight).toBe(0);
    });
  }

  it('a function that returns at once, on a breaker with a fallback, rejects rather than throws', async () => {
    const breaker = breakerIn('closed', { fallback: () => 'fallback' });
    const outcome = await outcomeOf(() =>
      breaker.execute(() => {
        broken = true; // breaks as the call is recorded
        return 'ok';
      }),
    );
    broken = false;
    // Rejected with the clock's error today; what matters here is that execute() did not throw.
    expect(outcome).not.toMatch(/^threw/);
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { successes: 1 } });
  });

  // The plain path: execute() and wrap() without options, on a breaker with no timeout,
  // bulkhead or fallback, admit the call themselves.
  for (const state of ['open', 'closed'] as const) {
    it.each([
      ['execute()', (b: CircuitBreaker<unknown>) => b.execute(async () => 'ok')],
      ['a wrapped function', (b: CircuitBreaker<unknown>) => b.wrap(async () => 'ok')()],
    ])(`%s on the plain path rejects rather than throws (${state})`, async (_, call) => {
      const breaker = breakerIn(state, {});
      broken = true;
      try {
        expect(await outcomeOf(() => call(breaker))).toBe('rejected: clock broke');
      } finally {
        broken = false;
      }
      expect(breaker.inFlight).toBe(0);
    });
  }
});
