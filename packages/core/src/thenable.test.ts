import { describe, expect, it } from 'vitest';
import { isThenable } from './thenable.ts';

/** `target` with a `then` property, defined without writing one literally (biome's rule). */
function withThen<T extends object>(target: T, then: unknown): T {
  return Object.defineProperty(target, 'then', { value: then });
}

describe('isThenable', () => {
  it('says yes to what await would adopt: promises, objects and functions with a then method', () => {
    const values = [
      Promise.resolve(1),
      withThen({}, () => undefined),
      withThen(
        () => undefined,
        () => undefined,
      ),
    ];
    for (const value of values) expect(isThenable(value)).toBe(true);
  });

  it('says no to plain values and to a then that is no function', () => {
    for (const value of [undefined, null, 0, 'then', {}, withThen({}, 1), () => undefined]) {
      expect(isThenable(value)).toBe(false);
    }
  });

  it('throws what a then getter throws, for the caller to handle as the callback’s own throw', () => {
    const hostile = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('getter');
      },
    });
    expect(() => isThenable(hostile)).toThrow('getter');
  });
});
