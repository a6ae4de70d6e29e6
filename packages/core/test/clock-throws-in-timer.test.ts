// A call's timeout and its caller's abort settle the call from a timer and an event listener,
// where a throw has nobody to reach but the process. A breaker clock that throws there must not
// crash the process, leave the caller waiting forever, or keep the call in flight.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, CircuitTimeoutError } from '../src/index.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A breaker whose clock throws between `breakClock()` and `fixClock()`; and what it reported. */
function breakerWithBreakingClock(options: { bulkhead?: { maxConcurrent: number } } = {}) {
  let broken = false;
  const breaker = new CircuitBreaker({
    name: 'clock-in-timer',
    timeoutMs: 10,
    slowCallDurationMs: 1_000,
    clock: {
      now: () => {
        if (broken) throw new Error('clock broke');
        return 0;
      },
    },
    ...options,
  });
  const reported: Array<{ callback: string; error: unknown }> = [];
  breaker.on('callbackError', ({ callback, error }) => reported.push({ callback, error }));
  // Listened to, so the timeout builds its event (and reads the clock for it).
  breaker.on('timeout', () => {});
  return {
    breaker,
    reported,
    breakClock: () => {
      broken = true;
    },
    fixClock: () => {
      broken = false;
    },
  };
}

/** The value `promise` rejects with; fails when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('a clock that throws while a call times out', () => {
  it.each([{}, { bulkhead: { maxConcurrent: 1 } }])(
    'the caller gets the timeout and the call leaves flight (%o)',
    async (options) => {
      vi.useFakeTimers();
      const { breaker, reported, breakClock, fixClock } = breakerWithBreakingClock(options);
      const call = rejectionOf(
        breaker.execute(() => {
          breakClock();
          return new Promise(() => {});
        }),
      );
      // Without the guard, the timer's throw comes out of the fake clock's tick here.
      await vi.advanceTimersByTimeAsync(10);
      expect(await call).toBeInstanceOf(CircuitTimeoutError);
      fixClock(); // stats() reads it too
      expect(breaker.inFlight).toBe(0);
      expect(breaker.stats().totals).toMatchObject({ timeouts: 1, failures: 1 });
      expect(reported.map(({ callback }) => callback)).toContain('clock');
      expect(vi.getTimerCount()).toBe(0);
    },
  );
});

describe('a clock that throws while a caller aborts', () => {
  it('the caller gets the abort reason and the call leaves flight', async () => {
    const { breaker, reported, breakClock, fixClock } = breakerWithBreakingClock({
      bulkhead: { maxConcurrent: 1 },
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const controller = new AbortController();
      let finish: (value: string) => void = () => {};
      let answer: unknown = 'none yet';
      void rejectionOf(
        breaker.execute(() => new Promise<string>((resolve) => (finish = resolve)), {
          signal: controller.signal,
        }),
      ).then((error) => {
        answer = error;
      });
      await Promise.resolve();
      breakClock();
      const reason = new Error('caller gave up');
      controller.abort(reason);
      await new Promise((resolve) => setImmediate(resolve));
      expect(answer).toBe(reason);
      fixClock(); // stats() reads it too
      expect(breaker.inFlight).toBe(0);
      expect(breaker.stats().totals).toMatchObject({ ignored: 1 });
      expect(reported.map(({ callback }) => callback)).toContain('clock');
      // The function settles later: its slot comes back once, and no more.
      expect(breaker.stats().bulkhead).toMatchObject({ active: 1, lingering: 1 });
      finish('late');
      await new Promise((resolve) => setImmediate(resolve));
      expect(breaker.stats().bulkhead).toMatchObject({ active: 0, lingering: 0 });
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});

describe('a clock that throws while a call that returned at once is settled', () => {
  it.each([
    ['returned', () => 'ok'],
    [
      'threw',
      () => {
        throw new Error('down');
      },
    ],
  ])('a function that %s at once: the caller is answered, nothing is thrown', async (_, body) => {
    const { breaker, breakClock, fixClock } = breakerWithBreakingClock();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      let answered = false;
      breaker
        .execute(() => {
          breakClock(); // breaks as the call is recorded, a microtask later
          return body();
        })
        .then(
          () => {
            answered = true;
          },
          () => {
            answered = true;
          },
        );
      await new Promise((resolve) => setImmediate(resolve));
      fixClock();
      expect({ answered, uncaught }).toEqual({ answered: true, uncaught: [] });
      expect(breaker.inFlight).toBe(0);
    } finally {
      fixClock();
      process.off('uncaughtException', onUncaught);
    }
  });
});
