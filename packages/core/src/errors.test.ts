import { describe, expect, it } from 'vitest';
import {
  BulkheadFullError,
  brandTripswitchError,
  CircuitOpenError,
  CircuitTimeoutError,
  InvalidOptionError,
  isBulkheadFullError,
  isCircuitOpenError,
  isCircuitTimeoutError,
  isInvalidOptionError,
  isTripswitchError,
  TripswitchError,
} from './errors.ts';

type ErrorsModule = typeof import('./errors.ts');

/**
 * A second, independent instance of this module, as a process gets when it loads both the ESM
 * and the CommonJS build, or two installed versions. Vite keys modules by their full id, query
 * included, so `?copy` evaluates errors.ts again: its classes are distinct objects and only the
 * `Symbol.for` brand is shared. (This needs no build, unlike loading dist/index.cjs, which turbo
 * does not build before this package's own tests and which could be stale.)
 */
async function loadSecondCopy(): Promise<ErrorsModule> {
  const specifier = './errors.ts?copy';
  return (await import(/* @vite-ignore */ specifier)) as ErrorsModule;
}

/** One instance of each error class, built from a given copy of the module. */
function samplesFrom(m: ErrorsModule) {
  return {
    open: new m.CircuitOpenError('payments', 'open', 1500),
    timeout: new m.CircuitTimeoutError('payments', 2000),
    bulkhead: new m.BulkheadFullError('payments', 'full', 4, 8),
    invalid: new m.InvalidOptionError('window.size', 0, 'an integer >= 1', 'payments'),
  };
}

const local: ErrorsModule = {
  BulkheadFullError,
  brandTripswitchError,
  CircuitOpenError,
  CircuitTimeoutError,
  InvalidOptionError,
  isBulkheadFullError,
  isCircuitOpenError,
  isCircuitTimeoutError,
  isInvalidOptionError,
  isTripswitchError,
  TripswitchError,
};

type Kind = keyof ReturnType<typeof samplesFrom>;
const kinds: Kind[] = ['open', 'timeout', 'bulkhead', 'invalid'];

/** Which class, guard and code belong to each kind, in a given copy of the module. */
function classOf(m: ErrorsModule, kind: Kind) {
  return {
    open: m.CircuitOpenError,
    timeout: m.CircuitTimeoutError,
    bulkhead: m.BulkheadFullError,
    invalid: m.InvalidOptionError,
  }[kind] as abstract new (
    ...args: never[]
  ) => unknown;
}
function guardOf(m: ErrorsModule, kind: Kind): (value: unknown) => boolean {
  return {
    open: m.isCircuitOpenError,
    timeout: m.isCircuitTimeoutError,
    bulkhead: m.isBulkheadFullError,
    invalid: m.isInvalidOptionError,
  }[kind];
}

describe('CircuitOpenError', () => {
  it('carries its code, name, breaker name, reason and retryAfterMs', () => {
    const error = new CircuitOpenError('payments', 'open', 1500);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_CIRCUIT_OPEN');
    expect(error.name).toBe('CircuitOpenError');
    expect(error.breakerName).toBe('payments');
    expect(error.reason).toBe('open');
    expect(error.retryAfterMs).toBe(1500);
    expect(error.message).toBe(
      'Circuit "payments" is open; it lets a trial call through in 1500 ms',
    );
    expect(String(error)).toBe(`CircuitOpenError: ${error.message}`);
    expect(error.stack).toContain('CircuitOpenError');
  });

  it.each([
    ['open', undefined, 'Circuit "inventory" is open'],
    ['forced-open', undefined, 'Circuit "inventory" is forced open'],
    [
      'half-open-full',
      undefined,
      'Circuit "inventory" is half-open and all its trial calls are in flight',
    ],
  ] as const)(
    'describes the refusal %s (retryAfterMs %s) in its message',
    (reason, retryAfterMs, message) => {
      const error = new CircuitOpenError('inventory', reason, retryAfterMs);
      expect(error.message).toBe(message);
      expect(error.reason).toBe(reason);
      expect(error.retryAfterMs).toBeUndefined();
    },
  );
});

describe('CircuitTimeoutError', () => {
  it('carries its code, name, breaker name, timeout and message', () => {
    const error = new CircuitTimeoutError('search', 250);
    expect(error.code).toBe('ERR_CIRCUIT_TIMEOUT');
    expect(error.name).toBe('CircuitTimeoutError');
    expect(error.breakerName).toBe('search');
    expect(error.timeoutMs).toBe(250);
    expect(error.message).toBe('Call through circuit "search" timed out after 250 ms');
  });
});

describe('BulkheadFullError', () => {
  it('carries its code, name, breaker name, reason and limits when full', () => {
    const error = new BulkheadFullError('db', 'full', 4, 8);
    expect(error.code).toBe('ERR_BULKHEAD_FULL');
    expect(error.name).toBe('BulkheadFullError');
    expect(error.breakerName).toBe('db');
    expect(error.reason).toBe('full');
    expect(error.maxConcurrent).toBe(4);
    expect(error.maxQueue).toBe(8);
    expect(error.message).toBe('Bulkhead of circuit "db" is full (4 running, 8 queued)');
  });

  it('explains a queue timeout in its message', () => {
    const error = new BulkheadFullError('db', 'queue-timeout', 1, 2);
    expect(error.reason).toBe('queue-timeout');
    expect(error.message).toBe('Call waited too long for a slot in the bulkhead of circuit "db"');
  });
});

describe('InvalidOptionError', () => {
  it('carries its code, name, option path, value and what is allowed', () => {
    const error = new InvalidOptionError('window.size', 0, 'an integer >= 1', 'payments');
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.name).toBe('InvalidOptionError');
    expect(error.option).toBe('window.size');
    expect(error.value).toBe(0);
    expect(error.expected).toBe('an integer >= 1');
    expect(error.message).toBe(
      'Invalid option "window.size" of circuit "payments": got 0; expected an integer >= 1',
    );
  });

  it('leaves the circuit out of the message when no breaker name is given', () => {
    const error = new InvalidOptionError('maxBreakers', -1, 'an integer >= 1');
    expect(error.message).toBe('Invalid option "maxBreakers": got -1; expected an integer >= 1');
  });

  const circular: Record<string, unknown> = {};
  circular.self = circular;
  it.each([
    ['a string, quoted', 'abc', 'got "abc"'],
    ['a function, by kind', () => 1, 'got a function'],
    ['null', null, 'got null'],
    ['undefined', undefined, 'got undefined'],
    ['NaN', Number.NaN, 'got NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'got Infinity'],
    ['an object, as JSON', { type: 'count' }, 'got {"type":"count"}'],
    ['a circular object, by its tag', circular, 'got [object Object]'],
  ])('describes %s in its message', (_label, value, text) => {
    expect(new InvalidOptionError('x', value, 'something').message).toContain(`${text};`);
  });

  it('shortens a long value to 80 characters', () => {
    const value = { list: Array.from({ length: 50 }, (_, i) => i) };
    const error = new InvalidOptionError('x', value, 'something');
    const described = /got (.*); expected/.exec(error.message)?.[1];
    expect(described).toHaveLength(80);
    expect(described?.endsWith('...')).toBe(true);
    expect(error.value).toBe(value);
  });
});

describe('guards and instanceof', () => {
  const samples = samplesFrom(local);

  it.each(kinds)('the %s error is recognised by its own guard and class only', (kind) => {
    for (const other of kinds) {
      expect(guardOf(local, other)(samples[kind])).toBe(other === kind);
      expect(samples[kind] instanceof classOf(local, other)).toBe(other === kind);
    }
  });

  it.each(kinds)('the %s error is a TripswitchError and an Error', (kind) => {
    expect(samples[kind]).toBeInstanceOf(TripswitchError);
    expect(samples[kind]).toBeInstanceOf(Error);
    expect(isTripswitchError(samples[kind])).toBe(true);
  });

  it('a CircuitOpenError is not an instance of CircuitTimeoutError, and the reverse', () => {
    expect(samples.open instanceof CircuitTimeoutError).toBe(false);
    expect(samples.timeout instanceof CircuitOpenError).toBe(false);
  });

  const notOurs: Array<[string, unknown]> = [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'ERR_CIRCUIT_OPEN'],
    ['a number', 42],
    ['a plain Error', new Error('boom')],
    ['an Error with a matching code', Object.assign(new Error('x'), { code: 'ERR_CIRCUIT_OPEN' })],
    ['a plain object with a matching code', { code: 'ERR_CIRCUIT_OPEN', name: 'CircuitOpenError' }],
  ];

  it('recognises an object made from a class prototype, as native instanceof would', () => {
    const made: unknown = Object.create(CircuitOpenError.prototype);
    expect(made instanceof CircuitOpenError).toBe(true);
    expect(isCircuitOpenError(made)).toBe(true);
    expect(isCircuitTimeoutError(made)).toBe(false);
  });

  it.each(notOurs)('%s satisfies no guard and no class', (_label, value) => {
    expect(isTripswitchError(value)).toBe(false);
    expect(value instanceof TripswitchError).toBe(false);
    for (const kind of kinds) {
      expect(guardOf(local, kind)(value)).toBe(false);
      expect(value instanceof classOf(local, kind)).toBe(false);
    }
  });
});

describe('a second copy of the module (dual package, two installed versions)', () => {
  it('loads as distinct classes, so the test really crosses copies', async () => {
    const copy = await loadSecondCopy();
    expect(copy.CircuitOpenError).not.toBe(CircuitOpenError);
    expect(copy.TripswitchError).not.toBe(TripswitchError);
    // Without the brand, the prototype chains would not match.
    expect(Object.getPrototypeOf(samplesFrom(copy).open)).not.toBe(CircuitOpenError.prototype);
  });

  it.each(kinds)(
    'a %s error from the other copy satisfies this copy’s guard and instanceof',
    async (kind) => {
      const copy = await loadSecondCopy();
      const foreign = samplesFrom(copy)[kind];
      expect(guardOf(local, kind)(foreign)).toBe(true);
      expect(foreign instanceof classOf(local, kind)).toBe(true);
      expect(foreign instanceof TripswitchError).toBe(true);
      expect(isTripswitchError(foreign)).toBe(true);
      for (const other of kinds.filter((k) => k !== kind)) {
        expect(guardOf(local, other)(foreign)).toBe(false);
        expect(foreign instanceof classOf(local, other)).toBe(false);
      }
    },
  );

  it.each(kinds)(
    'a %s error from this copy satisfies the other copy’s guard and instanceof',
    async (kind) => {
      const copy = await loadSecondCopy();
      const ours = samplesFrom(local)[kind];
      expect(guardOf(copy, kind)(ours)).toBe(true);
      expect(ours instanceof classOf(copy, kind)).toBe(true);
      expect(ours instanceof copy.TripswitchError).toBe(true);
      expect(copy.isTripswitchError(ours)).toBe(true);
      for (const other of kinds.filter((k) => k !== kind)) {
        expect(guardOf(copy, other)(ours)).toBe(false);
        expect(ours instanceof classOf(copy, other)).toBe(false);
      }
    },
  );

  it('keeps the fields of an error from the other copy readable', async () => {
    const copy = await loadSecondCopy();
    const foreign: unknown = new copy.CircuitOpenError('payments', 'open', 900);
    if (!isCircuitOpenError(foreign)) throw new Error('guard should have matched');
    expect(foreign.code).toBe('ERR_CIRCUIT_OPEN');
    expect(foreign.breakerName).toBe('payments');
    expect(foreign.retryAfterMs).toBe(900);
  });
});

describe('a user’s own subclass', () => {
  class PaymentsOpenError extends CircuitOpenError {}

  it('is judged by its prototype chain, not by the shared code', () => {
    const own = new PaymentsOpenError('payments', 'open', 1_000);
    expect(own).toBeInstanceOf(PaymentsOpenError);
    expect(own).toBeInstanceOf(CircuitOpenError);
    expect(own).toBeInstanceOf(TripswitchError);
    expect(new CircuitOpenError('payments', 'open', 1_000)).not.toBeInstanceOf(PaymentsOpenError);
  });
});

describe('brandTripswitchError', () => {
  it("makes another class's error pass for the Tripswitch error of its code, in every copy", async () => {
    const copy = await loadSecondCopy();
    class ServiceUnavailable extends Error {}
    const exception = new ServiceUnavailable('503');
    brandTripswitchError(exception, 'ERR_CIRCUIT_OPEN');
    expect(isCircuitOpenError(exception)).toBe(true);
    expect(copy.isCircuitOpenError(exception)).toBe(true);
    expect(exception).toBeInstanceOf(CircuitOpenError);
    expect(exception).toBeInstanceOf(copy.CircuitOpenError);
    expect(exception).toBeInstanceOf(TripswitchError);
    expect(exception).not.toBeInstanceOf(BulkheadFullError);
    expect(isBulkheadFullError(exception)).toBe(false);
    expect(exception).toBeInstanceOf(ServiceUnavailable);
  });

  it('changes nothing else: the brand is hidden and cannot be rewritten', () => {
    const exception = new Error('503');
    brandTripswitchError(exception, 'ERR_BULKHEAD_FULL');
    expect(Object.keys(exception)).toEqual([]);
    expect(JSON.stringify(exception)).toBe('{}');
    expect(() => {
      (exception as unknown as Record<symbol, unknown>)[Symbol.for('tripswitch.error')] = 'x';
    }).toThrow(TypeError);
    expect(isBulkheadFullError(exception)).toBe(true);
  });
});
