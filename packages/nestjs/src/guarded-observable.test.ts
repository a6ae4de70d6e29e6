import { lastValueFrom, Observable, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { toObservable } from './guarded-observable.ts';

describe('toObservable', () => {
  it('keeps an Observable, waits for a promise, and emits a plain value once', async () => {
    const source = of(1, 2);
    expect(toObservable(source)).toBe(source);
    expect(await lastValueFrom(toObservable(Promise.resolve(3)))).toBe(3);
    // An array is a value, not a sequence of values.
    expect(await lastValueFrom(toObservable([4, 5]).pipe(toArray()))).toEqual([[4, 5]]);
    expect(toObservable(undefined)).toBeInstanceOf(Observable);
  });

  it('waits for a thenable that is not a promise', async () => {
    // A thenable from another promise library, made without a `then` literal.
    const thenable = Object.defineProperty({}, 'then', {
      value: (resolve: (value: number) => void) => resolve(6),
    });
    expect(await lastValueFrom(toObservable(thenable))).toBe(6);
  });
});
