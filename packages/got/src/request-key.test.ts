import { InvalidOptionError } from '@tripswitch/core';
import { checkedKey } from '@tripswitch/core/internal';
import { type NormalizedOptions, Options } from 'got';
import { describe, expect, it } from 'vitest';
import { originKey } from './request-key.ts';

function options(url: string): NormalizedOptions {
  return new Options(url) as unknown as NormalizedOptions;
}

describe('originKey', () => {
  it('is the origin of the URL, default port left out', () => {
    expect(originKey(options('https://api.example:443/v1/users?id=1'))).toBe('https://api.example');
    expect(originKey(options('http://127.0.0.1:8080/x'))).toBe('http://127.0.0.1:8080');
  });

  it('is undefined without a URL', () => {
    expect(originKey(new Options() as unknown as NormalizedOptions)).toBeUndefined();
  });
});

describe('checkedKey', () => {
  it('passes a name or undefined through', () => {
    expect(checkedKey(() => 'payments')(options('http://a/'))).toBe('payments');
    expect(checkedKey(() => undefined)(options('http://a/'))).toBeUndefined();
  });

  it.each(['', 42, null])('rejects %j, naming the option', (value) => {
    const key = checkedKey(() => value as string);
    expect(() => key(options('http://a/'))).toThrow(InvalidOptionError);
    expect(() => key(options('http://a/'))).toThrow(/"key"/);
  });
});
