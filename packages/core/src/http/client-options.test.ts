import { describe, expect, it } from 'vitest';
import { checkedKey, splitClientOptions } from './client-options.ts';

describe('splitClientOptions', () => {
  it('takes key, isFailure and fallback out, and leaves the rest shared', () => {
    const key = () => 'k';
    const isFailure = () => true;
    const fallback = () => 'cached';
    expect(
      splitClientOptions({ key, isFailure, fallback, minimumCalls: 5 } as never, 'a function'),
    ).toEqual({ key, isFailure, fallback, shared: { minimumCalls: 5 } });
    expect(splitClientOptions(undefined, 'a function')).toEqual({
      key: undefined,
      isFailure: undefined,
      fallback: undefined,
      shared: {},
    });
  });

  it.each([
    ['key', 'origin', 'Invalid option "key": got "origin"; expected what the adapter says'],
    [
      'isFailure',
      true,
      'Invalid option "isFailure": got true; expected a function from { response, error } to a boolean',
    ],
    [
      'fallback',
      { status: 200 },
      `Invalid option "fallback": got {"status":200}; expected a function (error, request) answering a refused request with the client's response`,
    ],
  ])('refuses a %s that is no function', (option, value, message) => {
    expect(() => splitClientOptions({ [option]: value } as never, 'what the adapter says')).toThrow(
      message,
    );
  });

  it.each([null, 'fast', [1]])('refuses options %j', (options) => {
    expect(() => splitClientOptions(options as never, '')).toThrow(/Invalid option "options"/);
  });
});

describe('checkedKey', () => {
  it('passes a non-empty string or undefined, and names key for anything else', () => {
    expect(checkedKey(() => 'k')(1)).toBe('k');
    expect(checkedKey(() => undefined)(1)).toBeUndefined();
    for (const value of ['', 42, null]) {
      expect(() => checkedKey(() => value as never)(1)).toThrow(/Invalid option "key"/);
    }
  });
});
