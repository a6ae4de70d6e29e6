import { BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import { Options, RequestError } from 'got';
import { describe, expect, it } from 'vitest';
import { unwrapRefusal } from './refusal.ts';

// got's own RequestError, built as got builds it for an error a beforeRequest hook throws.
function wrapped(cause: Error): RequestError {
  return new RequestError(cause.message, cause, new Options('http://127.0.0.1/'));
}

describe('unwrapRefusal', () => {
  it('hands over a CircuitOpenError that got wrapped', () => {
    const refusal = new CircuitOpenError('https://api.example', 'open', 5_000);
    expect(unwrapRefusal(wrapped(refusal))).toBe(refusal);
  });

  it('hands over a BulkheadFullError that got wrapped', () => {
    const refusal = new BulkheadFullError('https://api.example', 'full', 1, 0);
    expect(unwrapRefusal(wrapped(refusal))).toBe(refusal);
  });

  it('leaves every other error as it is', () => {
    const error = wrapped(new Error('boom'));
    expect(unwrapRefusal(error)).toBe(error);
    const plain = new Error('plain');
    expect(unwrapRefusal(plain)).toBe(plain);
  });

  it('leaves an error whose code is not the refusal’s: got did not wrap that refusal', () => {
    const error = new Error('other', { cause: new CircuitOpenError('a', 'open') });
    expect(unwrapRefusal(error)).toBe(error);
  });
});
