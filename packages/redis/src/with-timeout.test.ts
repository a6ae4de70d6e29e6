import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreTimeoutError, withTimeout } from './with-timeout.ts';

describe('withTimeout', () => {
  beforeEach(() => {
    // setImmediate stays real: the rejection waits one turn of the loop after the timer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes on what settles in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 100, 'GET')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('no')), 100, 'GET')).rejects.toThrow('no');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects after the timeout, and absorbs a later rejection', async () => {
    let fail: (error: Error) => void = () => {};
    const slow = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const guarded = withTimeout(slow, 100, 'EVALSHA');
    vi.advanceTimersByTime(99);
    const outcome = vi.fn();
    guarded.catch(outcome);
    await Promise.resolve();
    expect(outcome).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    await expect(guarded).rejects.toThrow(StoreTimeoutError);
    await expect(guarded).rejects.toThrow('Redis did not answer EVALSHA within 100 ms');
    fail(new Error('late'));
  });
});
