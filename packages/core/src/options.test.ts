import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inertBinding } from '../test/support/inert-binding.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { InvalidOptionError, isInvalidOptionError } from './errors.ts';
import { type CircuitBreakerOptions, validateBreakerOptions } from './options.ts';
import type { Permit } from './permit.ts';
import type { BreakerStore } from './store.ts';

function build(options: unknown): CircuitBreaker<unknown> {
  return new CircuitBreaker(options as CircuitBreakerOptions<unknown>);
}

/** The error `new CircuitBreaker(options)` throws, or a failed expectation when it throws none. */
function constructionError(options: unknown): InvalidOptionError {
  try {
    build(options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  return expect.fail(`new CircuitBreaker(${String(options)}) did not throw`);
}

/**
 * Checks the error for a bad option: the class and code, the `.option` path, the value, and a
 * message that names the option, describes the value and says what is allowed.
 */
function expectInvalid(options: unknown, option: string, valueText: string, allowed: RegExp) {
  const error = constructionError(options);
  expect(error.code).toBe('ERR_INVALID_OPTION');
  expect(isInvalidOptionError(error)).toBe(true);
  expect(error.option).toBe(option);
  expect(error.expected).toMatch(allowed);
  expect(error.message).toContain(`Invalid option "${option}"`);
  expect(error.message).toContain(`got ${valueText};`);
  expect(error.message).toMatch(allowed);
  return error;
}

let now = 0;
const clock = { now: () => now };
afterEach(() => {
  now = 0;
  vi.useRealTimers();
});

/** Settles `n` permits as failures (or successes); returns whether each one was admitted. */
function settle(breaker: CircuitBreaker<unknown>, n: number, outcome: 'failure' | 'success') {
  for (let i = 0; i < n; i++) {
    const permit = breaker.tryAcquire();
    if (permit === null) throw new Error(`call ${i + 1} was refused`);
    if (outcome === 'failure') permit.failure(new Error('boom'));
    else permit.success();
  }
}

/** Takes a half-open trial permit and fails it, which reopens the circuit for the next duration. */
function failTrial(breaker: CircuitBreaker<unknown>) {
  const permit = breaker.tryAcquire();
  expect(permit).not.toBeNull();
  (permit as Permit).failure(new Error('trial failed'));
}

const integerCases: Array<[string, unknown, string]> = [
  ['0', 0, '0'],
  ['negative', -1, '-1'],
  ['a fraction', 2.5, '2.5'],
  ['NaN', Number.NaN, 'NaN'],
  ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
  ['a numeric string', '10', '"10"'],
  ['null', null, 'null'],
  ['a boolean', true, 'true'],
];

const percentCases: Array<[string, unknown, string]> = [
  ['0', 0, '0'],
  ['negative', -10, '-10'],
  ['above 100', 100.5, '100.5'],
  ['NaN', Number.NaN, 'NaN'],
  ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
  ['a string', '50', '"50"'],
  ['null', null, 'null'],
];

const durationCases: Array<[string, unknown, string]> = [
  ['0', 0, '0'],
  ['negative', -100, '-100'],
  ['NaN', Number.NaN, 'NaN'],
  ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
  ['a string', '1000', '"1000"'],
  ['null', null, 'null'],
];

describe('the options object itself', () => {
  it.each([
    ['null', null, 'null'],
    ['a number', 5, '5'],
    ['a string', 'payments', '"payments"'],
  ])('rejects %s', (_label, options, valueText) => {
    expectInvalid(options, 'options', valueText, /an object of breaker options/);
  });

  it('accepts no options at all and an empty object', () => {
    expect(build(undefined).name).toBe('default');
    expect(build({}).name).toBe('default');
  });

  it.each(['failureThreshold', 'timeout', 'windowSize', 'onOpen'])(
    'rejects the unknown option %s, naming the breaker and listing the allowed ones',
    (key) => {
      const error = expectInvalid(
        { name: 'payments', [key]: 1 },
        key,
        '1',
        /no such option; allowed: name, window, minimumCalls, .*initialState/,
      );
      expect(error.message).toContain('of circuit "payments"');
      expect(error.value).toBe(1);
    },
  );
});

describe('name', () => {
  it.each([
    ['empty', '', '""'],
    ['a number', 42, '42'],
    ['an object', { first: 'a' }, '{"first":"a"}'],
  ])('rejects a name that is %s', (_label, name, valueText) => {
    expectInvalid({ name }, 'name', valueText, /a non-empty string/);
  });

  it('rejects null rather than falling back to the default name', () => {
    // Every other option rejects null; `name: null` is a bug in the caller's configuration too.
    expectInvalid({ name: null }, 'name', 'null', /a non-empty string/);
  });

  it('names the breaker in errors about its other options', () => {
    const error = constructionError({ name: 'inventory', minimumCalls: 0 });
    expect(error.message).toBe(
      'Invalid option "minimumCalls" of circuit "inventory": got 0; expected an integer >= 1',
    );
  });
});

describe.each(['minimumCalls', 'consecutiveFailures', 'halfOpenMaxCalls'])(
  'integer option %s',
  (option) => {
    it.each(integerCases)('rejects %s', (_label, value, valueText) => {
      const error = expectInvalid({ [option]: value }, option, valueText, /an integer >= 1/);
      expect(error.value).toBe(value);
    });

    it('accepts 1 and large integers', () => {
      expect(() => build({ [option]: 1 })).not.toThrow();
      expect(() => build({ [option]: 1_000 })).not.toThrow();
    });
  },
);

describe.each(['failureRateThreshold', 'slowCallRateThreshold'])(
  'percentage option %s',
  (option) => {
    it.each(percentCases)('rejects %s', (_label, value, valueText) => {
      expectInvalid({ [option]: value }, option, valueText, /a percentage in \(0, 100\]/);
    });

    it('accepts the edges of (0, 100]', () => {
      expect(() => build({ [option]: 100 })).not.toThrow();
      expect(() => build({ [option]: 0.001 })).not.toThrow();
    });
  },
);

describe.each(['slowCallDurationMs', 'halfOpenTimeoutMs'])('duration option %s', (option) => {
  it.each(durationCases)('rejects %s', (_label, value, valueText) => {
    expectInvalid(
      { [option]: value },
      option,
      valueText,
      /a number of milliseconds > 0 and <= 2147483647/,
    );
  });

  it('accepts fractions of a millisecond', () => {
    expect(() => build({ [option]: 0.5 })).not.toThrow();
  });
});

// Durations a timer waits for are capped at what setTimeout can wait: 2^31 - 1 ms.
describe('timer option timeoutMs', () => {
  it.each(durationCases)('rejects %s', (_label, value, valueText) => {
    expectInvalid(
      { timeoutMs: value },
      'timeoutMs',
      valueText,
      /a number of milliseconds > 0 and <= 2147483647/,
    );
  });

  it('rejects a timeout setTimeout would cut to 1 ms, and accepts the largest it can wait', () => {
    expectInvalid({ timeoutMs: 2 ** 31 }, 'timeoutMs', '2147483648', /> 0 and <= 2147483647/);
    expect(() => build({ timeoutMs: 2 ** 31 - 1 })).not.toThrow();
    expect(() => build({ timeoutMs: 0.5 })).not.toThrow();
  });
});

describe.each(['isFailure', 'isResultFailure', 'fallback'])('function option %s', (option) => {
  it.each([
    ['true', true, 'true'],
    ['a string', 'fn', '"fn"'],
    ['an object', {}, '{}'],
    ['null', null, 'null'],
  ])('rejects %s', (_label, value, valueText) => {
    expectInvalid({ [option]: value }, option, valueText, /a function/);
  });
});

describe('window', () => {
  const shape = /\{ type: 'count', size \} or \{ type: 'time', durationMs, buckets\? \}/;

  it.each([
    ['null', null, 'null'],
    ['a number', 20, '20'],
    ['a string', 'count', '"count"'],
  ])('rejects a window that is %s', (_label, window, valueText) => {
    expectInvalid({ window }, 'window', valueText, shape);
  });

  it.each([
    ['missing', {}, 'undefined'],
    ['unknown', { type: 'sliding', size: 10 }, '"sliding"'],
  ])('rejects a window type that is %s', (_label, window, valueText) => {
    expectInvalid({ window }, 'window.type', valueText, /'count' or 'time'/);
  });

  it.each([...integerCases, ['missing', undefined, 'undefined'] as [string, unknown, string]])(
    'rejects a count window size that is %s',
    (_label, size, valueText) => {
      expectInvalid(
        { window: { type: 'count', size } },
        'window.size',
        valueText,
        /an integer >= 1/,
      );
    },
  );

  it.each([...durationCases, ['missing', undefined, 'undefined'] as [string, unknown, string]])(
    'rejects a time window durationMs that is %s',
    (_label, durationMs, valueText) => {
      expectInvalid(
        { window: { type: 'time', durationMs } },
        'window.durationMs',
        valueText,
        /a number of milliseconds > 0 and <= 2147483647/,
      );
    },
  );

  it.each(integerCases)(
    'rejects a time window bucket count that is %s',
    (_label, buckets, valueText) => {
      expectInvalid(
        { window: { type: 'time', durationMs: 1000, buckets } },
        'window.buckets',
        valueText,
        /an integer >= 1/,
      );
    },
  );

  it.each([
    [{ type: 'count', size: 10, durationMs: 1000 }, 'window.durationMs', '1000', /allowed: size$/],
    [{ type: 'count', size: 10, buckets: 2 }, 'window.buckets', '2', /allowed: size$/],
    [
      { type: 'time', durationMs: 1000, size: 10 },
      'window.size',
      '10',
      /allowed: durationMs, buckets$/,
    ],
    [
      { type: 'time', durationMs: 1000, bucket: 5 },
      'window.bucket',
      '5',
      /allowed: durationMs, buckets$/,
    ],
  ])('rejects the unknown key in %j', (window, option, valueText, allowed) => {
    const error = expectInvalid({ window }, option, valueText, allowed);
    expect(error.expected).toMatch(/^no such option/);
  });
});

describe('openDurationMs', () => {
  it.each(durationCases.filter(([, value]) => typeof value === 'number'))(
    'rejects the number %s',
    (_label, value, valueText) => {
      expectInvalid(
        { openDurationMs: value },
        'openDurationMs',
        valueText,
        /a number of milliseconds > 0 and <= 2147483647/,
      );
    },
  );

  it.each([
    ['a string', '1000', '"1000"'],
    ['a boolean', true, 'true'],
    ['null', null, 'null'],
  ])('rejects %s, listing the three accepted forms', (_label, value, valueText) => {
    expectInvalid(
      { openDurationMs: value },
      'openDurationMs',
      valueText,
      /milliseconds > 0 and <= 2147483647, a function of the attempt, or \{ initialMs, maxMs, factor\?, jitter\? \}/,
    );
  });

  it.each([
    ['0', () => 0, '0'],
    ['a negative number', () => -1, '-1'],
    ['NaN', () => Number.NaN, 'NaN'],
    ['Infinity', () => Number.POSITIVE_INFINITY, 'Infinity'],
    ['a string', () => '1000', '1000'],
    ['undefined', () => undefined, 'undefined'],
  ])('rejects a function that returns %s for attempt 1', (_label, fn, returned) => {
    expectInvalid(
      { openDurationMs: fn },
      'openDurationMs',
      'a function',
      new RegExp(
        `a function returning a number of milliseconds > 0 and <= 2147483647 \\(it returned ${returned} for attempt 1\\)`,
      ),
    );
  });

  it('asks the function about attempt 1 when checking it', () => {
    const fn = vi.fn((_attempt: number) => 1000);
    build({ openDurationMs: fn });
    expect(fn).toHaveBeenCalledWith(1);
  });

  it('rejects a function that throws for attempt 1 with an InvalidOptionError', () => {
    // A bad option must fail as InvalidOptionError naming it, not with whatever the function threw.
    const error = constructionError({
      openDurationMs: () => {
        throw new RangeError('no config loaded');
      },
    });
    expect(error.option).toBe('openDurationMs');
  });

  it.each([
    [{ maxMs: 1000 }, 'openDurationMs.initialMs', 'undefined'],
    [{ initialMs: 0, maxMs: 1000 }, 'openDurationMs.initialMs', '0'],
    [{ initialMs: 1000, maxMs: 500 }, 'openDurationMs.maxMs', '500'],
    [{ initialMs: 1000, maxMs: 5000, factor: 0.5 }, 'openDurationMs.factor', '0.5'],
    [{ initialMs: 1000, maxMs: 5000, jitter: 2 }, 'openDurationMs.jitter', '2'],
    [{ initialMs: 1000, maxMs: 5000, base: 2 }, 'openDurationMs.base', '2'],
  ])('rejects the backoff options %j, naming the breaker', (openDurationMs, option, valueText) => {
    const error = expectInvalid({ name: 'pay', openDurationMs }, option, valueText, /./);
    expect(error.message).toContain('of circuit "pay"');
  });
});

describe('bulkhead', () => {
  it.each([
    ['null', null, 'null'],
    ['a number', 4, '4'],
  ])('rejects a bulkhead that is %s', (_label, bulkhead, valueText) => {
    expectInvalid(
      { bulkhead },
      'bulkhead',
      valueText,
      /an object \{ maxConcurrent, maxQueue\?, queueTimeoutMs\? \}/,
    );
  });

  it.each([...integerCases, ['missing', undefined, 'undefined'] as [string, unknown, string]])(
    'rejects maxConcurrent that is %s',
    (_label, maxConcurrent, valueText) => {
      expectInvalid(
        { bulkhead: { maxConcurrent } },
        'bulkhead.maxConcurrent',
        valueText,
        /an integer >= 1/,
      );
    },
  );

  it.each(integerCases.filter(([label]) => label !== '0'))(
    'rejects maxQueue that is %s',
    (_label, maxQueue, valueText) => {
      expectInvalid(
        { bulkhead: { maxConcurrent: 1, maxQueue } },
        'bulkhead.maxQueue',
        valueText,
        /an integer >= 0/,
      );
    },
  );

  it('accepts a maxQueue of 0', () => {
    expect(() => build({ bulkhead: { maxConcurrent: 1, maxQueue: 0 } })).not.toThrow();
  });

  it.each(durationCases)(
    'rejects queueTimeoutMs that is %s',
    (_label, queueTimeoutMs, valueText) => {
      expectInvalid(
        { bulkhead: { maxConcurrent: 1, maxQueue: 1, queueTimeoutMs } },
        'bulkhead.queueTimeoutMs',
        valueText,
        /a number of milliseconds > 0 and <= 2147483647/,
      );
    },
  );

  it.each(['maxConcurent', 'queueSize', 'timeoutMs'])('rejects the unknown key %s', (key) => {
    expectInvalid(
      { bulkhead: { maxConcurrent: 1, [key]: 3 } },
      `bulkhead.${key}`,
      '3',
      /no such option; allowed: maxConcurrent, maxQueue, queueTimeoutMs/,
    );
  });
});

describe('clock', () => {
  it.each([
    ['null', null, 'null'],
    ['a function', () => 0, 'a function'],
    ['an object without now()', { time: 0 }, '{"time":0}'],
    ['an object whose now is not a function', { now: 5 }, '{"now":5}'],
  ])('rejects %s', (_label, value, valueText) => {
    expectInvalid({ clock: value }, 'clock', valueText, /an object with a now\(\) method/);
  });
});

describe('clock.wallNow', () => {
  it('rejects a wallNow that is not a method', () => {
    expectInvalid({ clock: { now: () => 0, wallNow: 5 } }, 'clock.wallNow', '5', /a method/);
  });
});

/** Each size and count option: the bound it is allowed to reach, and the option object for a value. */
const bounded: Array<[string, number, (value: number) => unknown]> = [
  ['window.size', 100_000, (size) => ({ window: { type: 'count', size } })],
  [
    'window.buckets',
    1_000,
    (buckets) => ({ window: { type: 'time', durationMs: 1_000, buckets } }),
  ],
  ['minimumCalls', 1_000_000, (minimumCalls) => ({ minimumCalls })],
  ['consecutiveFailures', 1_000_000, (consecutiveFailures) => ({ consecutiveFailures })],
  ['halfOpenMaxCalls', 1_000, (halfOpenMaxCalls) => ({ halfOpenMaxCalls })],
  ['bulkhead.maxConcurrent', 100_000, (maxConcurrent) => ({ bulkhead: { maxConcurrent } })],
  ['bulkhead.maxQueue', 100_000, (maxQueue) => ({ bulkhead: { maxConcurrent: 1, maxQueue } })],
];

describe.each(bounded)('the upper bound of %s', (option, max, optionsFor) => {
  it(`accepts ${max}`, () => {
    expect(() => build(optionsFor(max))).not.toThrow();
  });

  it.each([max + 1, 2 ** 40, Number.MAX_SAFE_INTEGER])('rejects %i, naming the bound', (value) => {
    const min = option === 'bulkhead.maxQueue' ? 0 : 1;
    const error = expectInvalid(
      optionsFor(value),
      option,
      String(value),
      new RegExp(`an integer >= ${min} and <= ${max}`),
    );
    expect(error.expected).toBe(`an integer >= ${min} and <= ${max}`);
    expect(error.value).toBe(value);
  });
});

/** Each duration option, and the option object for a value. */
const durations: Array<[string, (ms: number) => unknown]> = [
  ['window.durationMs', (durationMs) => ({ window: { type: 'time', durationMs } })],
  ['slowCallDurationMs', (slowCallDurationMs) => ({ slowCallDurationMs })],
  ['openDurationMs', (openDurationMs) => ({ openDurationMs })],
  [
    'openDurationMs.initialMs',
    (initialMs) => ({ openDurationMs: { initialMs, maxMs: initialMs } }),
  ],
  ['openDurationMs.maxMs', (maxMs) => ({ openDurationMs: { initialMs: 0.5, maxMs } })],
  ['halfOpenTimeoutMs', (halfOpenTimeoutMs) => ({ halfOpenTimeoutMs })],
  ['timeoutMs', (timeoutMs) => ({ timeoutMs })],
  [
    'bulkhead.queueTimeoutMs',
    (queueTimeoutMs) => ({ bulkhead: { maxConcurrent: 1, maxQueue: 1, queueTimeoutMs } }),
  ],
];

// setTimeout fires a wait longer than 2^31 - 1 ms at once (Node warns and uses 1 ms): every
// duration shares that bound, whether a timer waits for it or not.
describe.each(durations)('the upper bound of %s', (option, optionsFor) => {
  it('accepts 2^31 - 1 ms and fractions of a millisecond', () => {
    expect(() => build(optionsFor(2 ** 31 - 1))).not.toThrow();
    expect(() => build(optionsFor(0.5))).not.toThrow();
  });

  it.each([2 ** 31, 1e15])('rejects %i, naming the bound', (value) => {
    expectInvalid(
      optionsFor(value),
      option,
      String(value),
      /a number of milliseconds > 0 and <= 2147483647/,
    );
  });
});

describe('bounds at run time', () => {
  it('cuts an open duration a function returns above the bound to the bound, silently', () => {
    const errors: unknown[] = [];
    const breaker = build({
      clock,
      consecutiveFailures: 1,
      openDurationMs: (attempt: number) => (attempt === 1 ? 1_000 : 1e15),
    });
    breaker.on('callbackError', ({ error }) => errors.push(error));
    settle(breaker, 1, 'failure');
    now = 1_000;
    failTrial(breaker);
    expect(breaker.stats().retryAfterMs).toBe(2 ** 31 - 1);
    expect(errors).toEqual([]);
  });

  it('holds a circuit open for a Retry-After no longer than the bound', () => {
    const breaker = build({ clock, consecutiveFailures: 1 });
    const permit = breaker.tryAcquire() as Permit;
    permit.failure(new Error('busy'), { retryAfterMs: 1e15 });
    expect(breaker.stats().retryAfterMs).toBe(2 ** 31 - 1);
  });
});

describe('initialState', () => {
  const open = { version: 1, state: 'open', openedAt: 1000, openUntil: 2000, attempt: 1 };

  it.each([
    ['null', null, 'initialState', 'null'],
    ['a string', 'open', 'initialState', '"open"'],
    ['without a version', { state: 'closed' }, 'initialState.version', 'undefined'],
    ['of another version', { version: 2, state: 'closed' }, 'initialState.version', '2'],
    ['half-open', { version: 1, state: 'half-open' }, 'initialState.state', '"half-open"'],
    ['of an unknown state', { version: 1, state: 'tripped' }, 'initialState.state', '"tripped"'],
    ['without a state', { version: 1 }, 'initialState.state', 'undefined'],
    [
      'open without openedAt',
      { ...open, openedAt: undefined },
      'initialState.openedAt',
      'undefined',
    ],
    ['open with a NaN openedAt', { ...open, openedAt: Number.NaN }, 'initialState.openedAt', 'NaN'],
    [
      'open with a string openedAt',
      { ...open, openedAt: '1000' },
      'initialState.openedAt',
      '"1000"',
    ],
    [
      'open without openUntil',
      { ...open, openUntil: undefined },
      'initialState.openUntil',
      'undefined',
    ],
    [
      'open with openUntil before openedAt',
      { ...open, openUntil: 999 },
      'initialState.openUntil',
      '999',
    ],
    [
      'open with openUntil equal to openedAt',
      { ...open, openUntil: 1000 },
      'initialState.openUntil',
      '1000',
    ],
    [
      'open with an infinite openUntil',
      { ...open, openUntil: Number.POSITIVE_INFINITY },
      'initialState.openUntil',
      'Infinity',
    ],
    ['open with attempt 0', { ...open, attempt: 0 }, 'initialState.attempt', '0'],
    ['open with a fractional attempt', { ...open, attempt: 1.5 }, 'initialState.attempt', '1.5'],
    ['open without attempt', { ...open, attempt: undefined }, 'initialState.attempt', 'undefined'],
  ])('rejects a snapshot %s', (_label, initialState, option, valueText) => {
    const error = expectInvalid({ name: 'stored', initialState }, option, valueText, /./);
    expect(error.message).toContain('of circuit "stored"');
  });

  it('explains the accepted snapshot shapes for a snapshot that is not an object', () => {
    expectInvalid({ initialState: 42 }, 'initialState', '42', /a snapshot from toJSON\(\)/);
  });

  it.each([
    { version: 1, state: 'closed' },
    { version: 1, state: 'forced-open' },
    { version: 1, state: 'disabled' },
    open,
  ])('accepts the snapshot %j and starts in its state', (initialState) => {
    const breaker = build({ clock, initialState });
    expect(breaker.state).toBe(initialState.state);
  });
});

describe('errors name the option, the value and what is allowed', () => {
  it('in the full message', () => {
    expect(() => build({ name: 'orders', window: { type: 'count', size: 0 } })).toThrow(
      new InvalidOptionError('window.size', 0, 'an integer >= 1', 'orders'),
    );
    expect(constructionError({ name: 'orders', window: { type: 'count', size: 0 } }).message).toBe(
      'Invalid option "window.size" of circuit "orders": got 0; expected an integer >= 1',
    );
  });

  it('for the first bad option found; the breaker is not built', () => {
    const error = constructionError({ minimumCalls: 0, failureRateThreshold: 0 });
    expect(error.option).toBe('minimumCalls');
  });
});

describe('timeouts beyond what setTimeout can hold', () => {
  it('a timeoutMs above 2^31 - 1 ms is rejected or honoured, never cut to 1 ms', async () => {
    // setTimeout turns any delay above 2 147 483 647 ms (24.8 days) into 1 ms, in Node and in
    // vitest's fake timers alike. The option must not be accepted and then fire at once.
    vi.useFakeTimers();
    let breaker: CircuitBreaker<unknown>;
    try {
      breaker = build({ timeoutMs: 2 ** 31 });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe('timeoutMs');
      return;
    }
    let settled: unknown = 'pending';
    breaker
      .execute(() => new Promise(() => {}))
      .then(
        (value) => {
          settled = value;
        },
        (error: unknown) => {
          settled = error;
        },
      );
    await vi.advanceTimersByTimeAsync(10);
    expect(settled).toBe('pending');
  });
});

describe('defaults, as a breaker uses them', () => {
  it('names the breaker "default"', () => {
    expect(build({}).name).toBe('default');
    expect(build({}).stats().name).toBe('default');
  });

  it('opens a fresh breaker on the 10th failure and not the 9th (minimumCalls 10)', () => {
    const breaker = build({ clock });
    settle(breaker, 9, 'failure');
    expect(breaker.state).toBe('closed');
    settle(breaker, 1, 'failure');
    expect(breaker.state).toBe('open');
  });

  it('opens at a failure rate of 50 % and not 40 % (failureRateThreshold 50)', () => {
    const at40 = build({ clock });
    settle(at40, 6, 'success');
    settle(at40, 4, 'failure');
    expect(at40.state).toBe('closed');
    const at50 = build({ clock });
    settle(at50, 5, 'success');
    settle(at50, 5, 'failure');
    expect(at50.state).toBe('open');
  });

  it('judges the last 20 calls (count window of 20)', () => {
    const breaker = build({ clock });
    settle(breaker, 100, 'success');
    settle(breaker, 9, 'failure');
    expect(breaker.stats()).toMatchObject({ calls: 20, failures: 9 });
    expect(breaker.state).toBe('closed');
    settle(breaker, 1, 'failure'); // 10 of the last 20
    expect(breaker.state).toBe('open');
  });

  it('has no consecutive-failure limit: many failures among successes do not open', () => {
    const breaker = build({ clock, minimumCalls: 1_000, window: { type: 'count', size: 1_000 } });
    settle(breaker, 500, 'failure');
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().consecutiveFailures).toBe(500);
  });

  it('counts no call as slow unless slowCallDurationMs is set', () => {
    const breaker = build({ clock });
    for (let i = 0; i < 20; i++) {
      const permit = breaker.tryAcquire() as Permit;
      permit.success(3_600_000);
    }
    expect(breaker.stats()).toMatchObject({ slowCalls: 0, state: 'closed' });
  });

  it('opens at a slow-call rate of 50 % and not 40 % once slowCallDurationMs is set', () => {
    const make = (slow: number) => {
      const breaker = build({ clock, slowCallDurationMs: 100 });
      for (let i = 0; i < 10; i++) (breaker.tryAcquire() as Permit).success(i < slow ? 100 : 99);
      return breaker.state;
    };
    expect(make(4)).toBe('closed');
    expect(make(5)).toBe('open');
  });

  it('stays open 1000 ms the first time, then 2000, 4000 ... up to 30 000 ms', () => {
    const breaker = build({ clock, consecutiveFailures: 1, halfOpenMaxCalls: 1 });
    settle(breaker, 1, 'failure');
    for (const duration of [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]) {
      expect(breaker.state).toBe('open');
      const openedAt = now;
      now = openedAt + duration - 1;
      expect(breaker.tryAcquire()).toBeNull();
      now = openedAt + duration;
      failTrial(breaker);
    }
  });

  it('admits 3 trial calls in half-open and closes when all 3 succeed (halfOpenMaxCalls 3)', () => {
    const breaker = build({ clock, consecutiveFailures: 1 });
    settle(breaker, 1, 'failure');
    now = 1_000;
    const trials = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
    expect(trials.every((p) => p !== null)).toBe(true);
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.openError()).toMatchObject({ reason: 'half-open-full' });
    for (const trial of trials) trial?.success();
    expect(breaker.state).toBe('closed');
  });

  it('times a hung trial out after the preceding open duration (halfOpenTimeoutMs)', () => {
    const breaker = build({ clock, consecutiveFailures: 1, halfOpenMaxCalls: 1 });
    settle(breaker, 1, 'failure'); // open for 1000 ms
    now = 1_000;
    expect(breaker.tryAcquire()).not.toBeNull(); // the trial hangs
    now = 1_999;
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state).toBe('half-open');
    now = 2_000;
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state).toBe('open');
  });

  it('sets no timeout on calls', async () => {
    vi.useFakeTimers();
    const breaker = build({});
    let resolveCall: (value: string) => void = () => {};
    const result = breaker.execute(() => new Promise<string>((r) => (resolveCall = r)));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    resolveCall('late');
    await expect(result).resolves.toBe('late');
  });

  it('has no bulkhead: many calls run at once', () => {
    const breaker = build({ clock });
    const permits = Array.from({ length: 500 }, () => breaker.tryAcquire());
    expect(permits.every((p) => p !== null)).toBe(true);
    expect(breaker.stats().bulkhead).toBeUndefined();
  });

  it('queues nothing when a bulkhead gives no maxQueue', async () => {
    const breaker = build({ bulkhead: { maxConcurrent: 1 } });
    expect(breaker.tryAcquire()).not.toBeNull();
    await expect(breaker.execute(() => 'x')).rejects.toMatchObject({
      code: 'ERR_BULKHEAD_FULL',
      reason: 'full',
      maxQueue: 0,
    });
  });

  it('splits a time window into 10 buckets', () => {
    const breaker = build({ clock, window: { type: 'time', durationMs: 1_000 } });
    now = 150; // bucket [100, 200)
    settle(breaker, 1, 'success');
    now = 1_099;
    expect(breaker.stats().calls).toBe(1);
    now = 1_100; // that bucket ages out exactly when 10 buckets of 100 ms have passed
    expect(breaker.stats().calls).toBe(0);
  });

  it('reads a monotonic clock when no clock is given: time passing moves it, a clock step does not', () => {
    // Fake timers fake performance.now() as well as Date: advancing them is time passing, while
    // vi.setSystemTime() steps the system clock alone.
    vi.useFakeTimers({ now: 50_000 });
    const breaker = build({ consecutiveFailures: 1 });
    settle(breaker, 1, 'failure');
    expect(breaker.stats().openedAt).toBe(50_000);
    vi.setSystemTime(51_000);
    expect(breaker.tryAcquire()).toBeNull();
    vi.advanceTimersByTime(999);
    expect(breaker.tryAcquire()).toBeNull();
    vi.advanceTimersByTime(1);
    expect(breaker.tryAcquire()).not.toBeNull();
  });
});

describe('validateBreakerOptions', () => {
  /** What a check did: nothing, or the error it threw, reduced to what a user reads. */
  function outcome(check: () => unknown): string {
    try {
      check();
      return 'valid';
    } catch (error) {
      if (!(error instanceof InvalidOptionError)) throw error;
      return `${error.option} | ${error.message}`;
    }
  }

  // Values of every kind for every option, valid and not, so the two checks meet them all.
  const anyValue = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 200_000 }),
    fc.double(),
    fc.string({ maxLength: 4 }),
    fc.constant(() => 5),
    fc.constant(() => {
      throw new Error('nope');
    }),
    fc.record({ type: fc.constantFrom('count', 'time', 'other'), size: fc.integer({ max: 9 }) }),
    fc.record({ maxConcurrent: fc.integer({ min: -1, max: 3 }), maxQueue: fc.integer() }),
    fc.record({ initialMs: fc.integer({ min: -1, max: 10 }), maxMs: fc.integer({ max: 100 }) }),
    fc.record({ now: fc.constant(() => 0) }),
  );
  const optionName = fc.constantFrom(
    'name',
    'window',
    'minimumCalls',
    'failureRateThreshold',
    'consecutiveFailures',
    'slowCallDurationMs',
    'slowCallRateThreshold',
    'openDurationMs',
    'halfOpenMaxCalls',
    'halfOpenTimeoutMs',
    'timeoutMs',
    'isFailure',
    'isResultFailure',
    'fallback',
    'bulkhead',
    'clock',
    'initialState',
    'misspelt',
  );

  it('accepts what the constructor accepts and rejects what it rejects, with the same error', () => {
    fc.assert(
      fc.property(fc.dictionary(optionName, anyValue, { maxKeys: 4 }), (options) => {
        expect(outcome(() => validateBreakerOptions(options))).toBe(outcome(() => build(options)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts no options, and rejects what is no options object', () => {
    expect(() => validateBreakerOptions(undefined)).not.toThrow();
    expect(() => validateBreakerOptions({})).not.toThrow();
    for (const options of [null, 5, 'window']) {
      expect(outcome(() => validateBreakerOptions(options))).toMatch(/^options \| /);
    }
  });

  it('names the breaker when the options name one, as the constructor does', () => {
    expect(outcome(() => validateBreakerOptions({ name: 'payments', minimumCalls: 0 }))).toBe(
      'minimumCalls | Invalid option "minimumCalls" of circuit "payments": got 0; expected an integer >= 1',
    );
  });

  it('binds no store: only a breaker binds', () => {
    const bind = vi.fn<BreakerStore['bind']>(inertBinding);
    validateBreakerOptions({ name: 'shared', store: { bind } });
    expect(bind).not.toHaveBeenCalled();
    new CircuitBreaker({ name: 'shared', store: { bind } });
    expect(bind).toHaveBeenCalledOnce();
  });

  it('asks an openDurationMs function about attempt 1, once', () => {
    const openDurationMs = vi.fn((attempt: number) => attempt * 1_000);
    validateBreakerOptions({ openDurationMs });
    expect(openDurationMs.mock.calls).toEqual([[1]]);
  });

  it('narrows what it checked to breaker options', () => {
    const options: unknown = JSON.parse('{"failureRateThreshold": 25}');
    validateBreakerOptions(options);
    expect(new CircuitBreaker({ ...options, clock }).name).toBe('default');
  });
});
