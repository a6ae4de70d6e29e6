import type { CallOptions } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadlinePassed } from './deadline.ts';

const now = 1_000_000;

type Parent = NonNullable<CallOptions['parent']>;

function parent(deadline: Date | number): Parent {
  return { getDeadline: () => deadline } as unknown as Parent;
}

describe('deadlinePassed', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the call’s own deadline, a number or a Date, on the wall clock', () => {
    vi.useFakeTimers({ now });
    expect(deadlinePassed({})).toBe(false);
    expect(deadlinePassed({ deadline: Number.POSITIVE_INFINITY })).toBe(false);
    expect(deadlinePassed({ deadline: now + 1 })).toBe(false);
    expect(deadlinePassed({ deadline: now })).toBe(true);
    expect(deadlinePassed({ deadline: new Date(now - 1) })).toBe(true);
    expect(deadlinePassed({ deadline: new Date(Number.NaN) })).toBe(false);
  });

  it('takes the parent’s deadline when the call propagates it', () => {
    vi.useFakeTimers({ now });
    expect(deadlinePassed({ parent: parent(now - 1) })).toBe(true);
    expect(deadlinePassed({ deadline: now + 5_000, parent: parent(new Date(now)) })).toBe(true);
    expect(deadlinePassed({ deadline: now - 1, parent: parent(now + 5_000) })).toBe(true);
    expect(deadlinePassed({ parent: parent(now + 1) })).toBe(false);
    // Flags without Propagate.DEADLINE (1): the parent's deadline does not apply.
    expect(deadlinePassed({ parent: parent(now - 1), propagate_flags: 0xfffe })).toBe(false);
  });
});
