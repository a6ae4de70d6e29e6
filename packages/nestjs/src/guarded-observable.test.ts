import { lastValueFrom, Observable, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { isThenable, toObservable } from './guarded-observable.ts';

describe('toObservable', () => {
  it('keeps an Observable, waits for a promise, and emits a plain value once', async () => {
    const source = of(1, 2);
    expect(toObservable(source)).toBe(source);
    expect(await lastValueFrom(toObservable(Promise.resolve(3)))).toBe(3);
    // An array is a value, not a sequence of values.
    expect(await lastValueFrom(toObservable([4, 5]).pipe(toArray()))).toEqual([[4, 5]]);
    expect(toObservable(undefined)).toBeInstanceOf(Observable);
  });

  it('recognises thenables that are not promises', () => {
    // A thenable from another promise library, made without a `then` literal.
    const thenable = Object.defineProperty({}, 'then', { value: () => undefined });
    const notThenable = Object.defineProperty({}, 'then', { value: 1 });
    expect(isThenable(thenable)).toBe(true);
    expect(isThenable(Promise.resolve())).toBe(true);
    expect(isThenable(notThenable)).toBe(false);
    expect(isThenable(null)).toBe(false);
  });
});
