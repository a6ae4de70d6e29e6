import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { BreakerEventName, BreakerEvents, BreakerListener } from './events.ts';

const allEvents: BreakerEventName[] = [
  'stateChange',
  'success',
  'failure',
  'ignored',
  'rejected',
  'cancelled',
  'timeout',
  'settledLate',
  'slowCall',
  'fallback',
  'callbackError',
];

function newBreaker(name = 'events') {
  const now = 0;
  return new CircuitBreaker({ name, clock: { now: () => now } });
}

/** Calls `on` with arguments the types forbid, as JavaScript callers can. */
function onUnchecked(breaker: CircuitBreaker, event: unknown, listener: unknown): () => void {
  return breaker.on(event as 'success', listener as BreakerListener<'success'>);
}

function thrower(message: string): () => never {
  return () => {
    throw new Error(message);
  };
}

/** Makes one successful call; listeners of `success` run synchronously during it. */
async function succeedOnce(breaker: CircuitBreaker): Promise<unknown> {
  return breaker.execute(() => 'value');
}

describe('subscribing', () => {
  it.each(['sucess', 'open', 'StateChange', '', 'toString', '__proto__'])(
    'an unknown event name %j throws a TypeError listing the allowed names',
    (event) => {
      const breaker = newBreaker();
      let caught: unknown;
      try {
        onUnchecked(breaker, event, () => {});
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TypeError);
      const message = (caught as TypeError).message;
      expect(message).toContain(`Unknown breaker event ${JSON.stringify(event)}`);
      for (const name of allEvents) expect(message).toContain(name);
    },
  );

  it.each([undefined, null, 42, Symbol('success')])(
    'a non-string event name %s throws a TypeError',
    (event) => {
      expect(() => onUnchecked(newBreaker(), event, () => {})).toThrow(TypeError);
    },
  );

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'log'],
    ['an object', { handleEvent() {} }],
  ])('a listener that is %s throws a TypeError naming the event', (_kind, listener) => {
    expect(() => onUnchecked(newBreaker(), 'success', listener)).toThrow(
      new TypeError(
        `The listener of breaker event "success" must be a function; got ${typeof listener}`,
      ),
    );
  });

  it('accepts every documented event name', () => {
    const breaker = newBreaker();
    for (const event of allEvents)
      expect(typeof onUnchecked(breaker, event, () => {})).toBe('function');
  });

  it('delivers payloads that name the breaker', async () => {
    const breaker = newBreaker('inventory');
    const events: Array<BreakerEvents['success']> = [];
    breaker.on('success', (event) => events.push(event));
    await succeedOnce(breaker);
    expect(events).toEqual([{ name: 'inventory', durationMs: 0 }]);
  });

  it('calls listeners in the order they subscribed', async () => {
    const breaker = newBreaker();
    const order: string[] = [];
    breaker.on('success', () => order.push('a'));
    breaker.on('success', () => order.push('b'));
    breaker.on('success', () => order.push('c'));
    await succeedOnce(breaker);
    expect(order).toEqual(['a', 'b', 'c']);
  });
});

describe('unsubscribing', () => {
  it('stops delivery, and calling the returned function twice is harmless', async () => {
    const breaker = newBreaker();
    const listener = vi.fn();
    const off = breaker.on('success', listener);
    await succeedOnce(breaker);
    off();
    off();
    await succeedOnce(breaker);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('a listener that unsubscribes itself during an emit does not make the next one skipped', async () => {
    const breaker = newBreaker();
    const calls: string[] = [];
    const offA = breaker.on('success', () => {
      calls.push('a');
      offA();
    });
    breaker.on('success', () => calls.push('b'));
    breaker.on('success', () => calls.push('c'));
    await succeedOnce(breaker);
    expect(calls).toEqual(['a', 'b', 'c']);
    await succeedOnce(breaker);
    expect(calls).toEqual(['a', 'b', 'c', 'b', 'c']);
  });

  it('a listener that unsubscribes another during an emit leaves the rest of that emit intact', async () => {
    const breaker = newBreaker();
    const calls: string[] = [];
    breaker.on('success', () => {
      calls.push('a');
      offB();
    });
    const offB = breaker.on('success', () => calls.push('b'));
    breaker.on('success', () => calls.push('c'));
    await succeedOnce(breaker);
    // The emit in progress runs on the list as it was; b is gone from the next one.
    expect(calls).toEqual(['a', 'b', 'c']);
    await succeedOnce(breaker);
    expect(calls).toEqual(['a', 'b', 'c', 'a', 'c']);
  });

  it('a listener added during an emit is called from the next emit on', async () => {
    const breaker = newBreaker();
    const late = vi.fn();
    let added = false;
    breaker.on('success', () => {
      if (!added) breaker.on('success', late);
      added = true;
    });
    await succeedOnce(breaker);
    expect(late).not.toHaveBeenCalled();
    await succeedOnce(breaker);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('unsubscribing one of two subscriptions of the same function keeps the other', async () => {
    const breaker = newBreaker();
    const listener = vi.fn();
    const off = breaker.on('success', listener);
    breaker.on('success', listener);
    await succeedOnce(breaker);
    expect(listener).toHaveBeenCalledTimes(2);
    off();
    await succeedOnce(breaker);
    // The second subscription was never cancelled, so it must still deliver.
    expect(listener).toHaveBeenCalledTimes(3);
  });
});

describe('a listener that throws', () => {
  it('does not disturb the call or the other listeners', async () => {
    const breaker = newBreaker();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const after = vi.fn();
    breaker.on('success', thrower('listener broke'));
    breaker.on('success', after);
    await expect(succeedOnce(breaker)).resolves.toBe('value');
    expect(after).toHaveBeenCalledTimes(1);
    expect(breaker.stats().totals.successes).toBe(1);
  });

  it('does not turn a failure into anything else', async () => {
    const breaker = newBreaker();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    breaker.on('failure', thrower('listener broke'));
    const cause = new Error('upstream down');
    await expect(
      breaker.execute(() => {
        throw cause;
      }),
    ).rejects.toBe(cause);
    expect(breaker.stats().totals.failures).toBe(1);
  });

  it('does not interrupt a state change', () => {
    const breaker = newBreaker();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    breaker.on('stateChange', thrower('listener broke'));
    breaker.isolate();
    expect(breaker.state).toBe('forced-open');
    expect(breaker.tryAcquire()).toBeNull();
  });

  it('is reported through the callbackError event, naming the breaker and the listener', async () => {
    const breaker = newBreaker('payments');
    const error = new Error('listener broke');
    breaker.on('success', () => {
      throw error;
    });
    const reports: Array<BreakerEvents['callbackError']> = [];
    breaker.on('callbackError', (event) => reports.push(event));
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    await succeedOnce(breaker);
    expect(reports).toEqual([{ name: 'payments', callback: 'success listener', error }]);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('is written to console.error when nothing listens for callbackError', async () => {
    const breaker = newBreaker('payments');
    const error = new Error('listener broke');
    breaker.on('success', () => {
      throw error;
    });
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    await succeedOnce(breaker);
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(consoleError).toHaveBeenCalledWith(
      '[tripswitch] circuit "payments": success listener threw',
      error,
    );
  });

  it('goes back to console.error once the callbackError listener unsubscribes', async () => {
    const breaker = newBreaker();
    breaker.on('success', thrower('listener broke'));
    const off = breaker.on('callbackError', () => {});
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    await succeedOnce(breaker);
    expect(consoleError).not.toHaveBeenCalled();
    off();
    await succeedOnce(breaker);
    expect(consoleError).toHaveBeenCalledTimes(1);
  });

  it('a throwing callbackError listener is swallowed; the other callbackError listeners still run', async () => {
    const breaker = newBreaker();
    breaker.on('success', thrower('listener broke'));
    breaker.on('callbackError', thrower('reporter broke too'));
    const second = vi.fn();
    breaker.on('callbackError', second);
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(succeedOnce(breaker)).resolves.toBe('value');
    expect(second).toHaveBeenCalledTimes(1);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('reports a non-Error value thrown by a listener as it was thrown', async () => {
    const breaker = newBreaker();
    breaker.on('rejected', () => {
      throw 'a string';
    });
    const reports: unknown[] = [];
    breaker.on('callbackError', ({ callback, error }) => reports.push([callback, error]));
    breaker.isolate();
    expect(breaker.tryAcquire()).toBeNull();
    expect(reports).toEqual([['rejected listener', 'a string']]);
  });
});

describe('other callbacks that throw are reported through callbackError', () => {
  function reportsOf(breaker: CircuitBreaker<unknown>) {
    const reports: Array<[string, unknown]> = [];
    breaker.on('callbackError', ({ callback, error }) => reports.push([callback, error]));
    return reports;
  }

  it('isFailure: the error counts as a failure', async () => {
    const broken = new Error('predicate broke');
    const breaker = new CircuitBreaker({
      isFailure: () => {
        throw broken;
      },
    });
    const reports = reportsOf(breaker);
    await expect(breaker.execute(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(reports).toEqual([['isFailure', broken]]);
    expect(breaker.stats().totals.failures).toBe(1);
  });

  it('isResultFailure: the result counts as a success', async () => {
    const broken = new Error('predicate broke');
    const breaker = new CircuitBreaker({
      isResultFailure: () => {
        throw broken;
      },
    });
    const reports = reportsOf(breaker);
    await expect(breaker.execute(() => 'result')).resolves.toBe('result');
    expect(reports).toEqual([['isResultFailure', broken]]);
    expect(breaker.stats().totals.successes).toBe(1);
  });

  it('openDurationMs: the circuit still opens, for the first open duration', () => {
    let now = 0;
    let throwing = false;
    const broken = new Error('duration broke');
    const breaker = new CircuitBreaker({
      clock: { now: () => now },
      consecutiveFailures: 1,
      openDurationMs: () => {
        if (throwing) throw broken;
        return 500;
      },
    });
    throwing = true; // it answered the check at construction
    const reports = reportsOf(breaker);
    breaker.tryAcquire()?.failure(new Error('x'));
    expect(breaker.state).toBe('open');
    expect(reports).toEqual([['openDurationMs', broken]]);
    now = 499;
    expect(breaker.tryAcquire()).toBeNull();
    now = 500;
    expect(breaker.tryAcquire()).not.toBeNull();
  });
});
