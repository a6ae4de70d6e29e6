import { describe, expect, it } from 'vitest';
import { predicateAnswer } from './predicate-answer.ts';

describe('predicateAnswer', () => {
  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['', false],
    [undefined, false],
    [{}, true],
  ])('reads %j as %j', (answer, expected) => {
    expect(predicateAnswer(answer, 'isFailure')).toBe(expected);
  });

  it.each([
    ['a promise', Promise.resolve(false)],
    // biome-ignore lint/suspicious/noThenProperty: a thenable answer is what is under test
    ['a thenable', { then() {} }],
  ])('refuses %s, naming the predicate', (_what, answer) => {
    expect(() => predicateAnswer(answer, 'isResultFailure')).toThrow(
      /^isResultFailure returned a promise; it must return a boolean at once/,
    );
  });
});
