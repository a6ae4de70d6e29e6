import { describe, expect, it } from 'vitest';
import { BulkheadFullError, CircuitOpenError, InvalidOptionError } from '../errors.ts';
import { answerRefusal, isRefusal } from './refusal-fallback.ts';

const refusal = new CircuitOpenError('https://a.example', 'open', 5_000);
const accept = (answer: unknown): string => {
  if (typeof answer !== 'string') throw new InvalidOptionError('fallback', answer, 'a string');
  return answer;
};

describe('isRefusal', () => {
  it('is true for an open circuit and a full bulkhead, false for anything else', () => {
    expect(isRefusal(refusal)).toBe(true);
    expect(isRefusal(new BulkheadFullError('b', 'full', 1, 0))).toBe(true);
    for (const other of [new Error('boom'), new InvalidOptionError('x', 1, 'y'), null, 'open']) {
      expect(isRefusal(other)).toBe(false);
    }
  });

  it('recognises a refusal from another copy of the package by its brand', () => {
    const foreign = Object.create({ [Symbol.for('tripswitch.error')]: 'ERR_CIRCUIT_OPEN' });
    expect(isRefusal(foreign)).toBe(true);
  });
});

describe('answerRefusal', () => {
  it('gives the fallback the refusal and the request, and resolves with its checked answer', async () => {
    const seen: unknown[] = [];
    const answer = answerRefusal(
      async (error, request: { url: string }) => {
        seen.push(error, request);
        return 'cached';
      },
      refusal,
      { url: '/a' },
      accept,
    );
    await expect(answer).resolves.toBe('cached');
    expect(seen).toEqual([refusal, { url: '/a' }]);
  });

  it('rejects with what the fallback throws, synchronously or not', async () => {
    const thrown = new Error('no cache');
    const sync = answerRefusal(
      () => {
        throw thrown;
      },
      refusal,
      {},
      accept,
    );
    await expect(sync).rejects.toBe(thrown);
    await expect(answerRefusal(() => Promise.reject(refusal), refusal, {}, accept)).rejects.toBe(
      refusal,
    );
  });

  it('rejects with the error accept throws for an answer the client cannot use', async () => {
    await expect(answerRefusal(() => 42, refusal, {}, accept)).rejects.toThrow(
      'Invalid option "fallback": got 42; expected a string',
    );
  });
});
