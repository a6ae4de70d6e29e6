import type { Library } from '../types.ts';
import { preallocatedRejection, succeed, throwFresh } from '../workload.ts';

// The reactions of the closed row's floor, made once: a breaker attaches its own once per call.
const onOk = (value: unknown): unknown => value;
const onErr = (error: unknown): never => {
  throw error;
};

/**
 * The least a breaker puts between its caller and the function: one call of its own. An error
 * the function throws captures each frame between them in its stack trace, and capturing one
 * costs a good part of the failing call; the bare row, `await throwFresh()` straight from the
 * loop, has none.
 */
const through = <T>(fn: () => T): T => fn();

// Where the refusal floor's clock reading goes: kept, as a breaker keeps its last reading.
const clockReading = { last: 0 };

/**
 * The least a refusal costs a breaker that says when to try again: one read of the clock (how
 * long the circuit stays open, and whether it still is) and a rejection made once. A breaker
 * that keeps a timer running while it is open could skip the read, but not say how long is left.
 */
const refuse = (): Promise<never> => {
  clockReading.last = performance.now();
  return preallocatedRejection;
};

/**
 * The floors: per row, the least any breaker could cost, done with no breaker at all. A breaker
 * must learn the outcome of a call, which costs one promise reaction more than `await fn()`; a
 * refusal must read the clock and hand the caller a rejected promise. The engine's targets are
 * ratios to these.
 */
export const floor: Library = {
  name: 'floor',
  version: 'no breaker',
  rows: {
    closed: {
      setup: 'await succeed().then(onOk, onErr)',
      prepare: () => ({ op: () => succeed().then(onOk, onErr) }),
    },
    throwing: {
      setup: 'await through(throwFresh)',
      prepare: () => ({ op: () => through(throwFresh) }),
    },
    open: {
      setup: 'performance.now(); await preallocatedRejection',
      prepare: () => ({ op: refuse }),
    },
  },
};
