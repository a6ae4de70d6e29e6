import { InvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { resolveMethodOptions } from './method-options.ts';

describe('resolveMethodOptions', () => {
  it('splits the fallback from the breaker options', () => {
    const fallback = () => 0;
    expect(resolveMethodOptions({ fallback, minimumCalls: 3 }, 'b')).toEqual({
      fallback,
      breakerOptions: { minimumCalls: 3 },
    });
    expect(resolveMethodOptions({ fallback: 'later' }, 'b')).toEqual({
      fallback: 'later',
      breakerOptions: {},
    });
    expect(resolveMethodOptions(undefined, 'b')).toEqual({
      fallback: undefined,
      breakerOptions: undefined,
    });
  });

  it('leaves breaker options to the core, which checks them when the breaker is built', () => {
    expect(resolveMethodOptions({ minimumCalls: -1 }, 'b').breakerOptions).toEqual({
      minimumCalls: -1,
    });
  });

  it.each([
    [null, 'options'],
    ['later', 'options'],
    [{ timeoutMs: 5 }, 'timeoutMs'],
    [{ isResultFailure: () => false }, 'isResultFailure'],
    [{ name: 'n' }, 'name'],
    [{ fallback: 1 }, 'fallback'],
    [{ fallback: '' }, 'fallback'],
  ])('rejects %o, naming %s and the breaker', (options, option) => {
    let thrown: unknown;
    try {
      resolveMethodOptions(options, 'payments');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect(thrown).toMatchObject({ option, message: expect.stringContaining('"payments"') });
  });
});
