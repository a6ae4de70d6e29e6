import { describe, expect, it } from 'vitest';
import { BulkheadFullError, CircuitOpenError } from '../errors.ts';
import { findRefusal } from './find-refusal.ts';

const open = new CircuitOpenError('payments', 'open', 1_000);
const full = new BulkheadFullError('payments', 'full', 1, 0);

/** `error` wrapped `levels` times, each wrapper holding the one below as its `cause`. */
function wrapped(error: unknown, levels: number): unknown {
  let current = error;
  for (let i = 0; i < levels; i++) current = new Error(`wrapper ${i}`, { cause: current });
  return current;
}

describe('findRefusal', () => {
  it('finds a refusal itself and up to five levels down the cause chain', () => {
    expect(findRefusal(open)).toBe(open);
    expect(findRefusal(full)).toBe(full);
    expect(findRefusal(wrapped(open, 1))).toBe(open);
    expect(findRefusal(wrapped(full, 5))).toBe(full);
  });

  it('stops looking after five levels', () => {
    expect(findRefusal(wrapped(open, 6))).toBeUndefined();
  });

  it('finds nothing in other errors and values', () => {
    for (const value of [undefined, null, 'ERR_CIRCUIT_OPEN', new Error('boom'), { cause: 1 }]) {
      expect(findRefusal(value)).toBeUndefined();
    }
    expect(findRefusal(wrapped(new TypeError('fetch failed'), 3))).toBeUndefined();
  });

  it('ends on a cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(findRefusal(a)).toBeUndefined();
  });

  it('finds nothing, without throwing, in a chain whose reading throws', () => {
    const getter = Object.defineProperty(new Error('outer'), 'cause', {
      get() {
        throw new Error('getter');
      },
    });
    const proxy = new Proxy(
      {},
      {
        has() {
          throw new Error('trap');
        },
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(findRefusal(getter)).toBeUndefined();
    expect(findRefusal(proxy)).toBeUndefined();
    expect(findRefusal(new Error('outer', { cause: proxy }))).toBeUndefined();
  });
});
