// openError() explains a refusal already made: a clock that throws by then is reported, and the
// error is built from the clock's last reading, so an adapter answers 503 rather than 500.
import { expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from '../src/index.ts';

it('openError() does not throw when the clock throws after the refusal', () => {
  let broken = false;
  let now = 0;
  const breaker = new CircuitBreaker({
    name: 'clock-after-refusal',
    clock: {
      now: () => {
        if (broken) throw new Error('clock broke');
        return now;
      },
    },
    initialState: { version: 1, state: 'open', openedAt: 0, openUntil: 10_000, attempt: 1 },
  });
  const reported: unknown[] = [];
  breaker.on('callbackError', ({ callback, error }) => reported.push([callback, error]));

  now = 4_000;
  expect(breaker.tryAcquire()).toBeNull();
  broken = true;
  const error = breaker.openError();

  expect(error).toBeInstanceOf(CircuitOpenError);
  // 6 s left at the last reading the breaker had, the refusal's.
  expect(error).toMatchObject({ reason: 'open', retryAfterMs: 6_000 });
  expect(reported).toEqual([['clock', new Error('clock broke')]]);
});
