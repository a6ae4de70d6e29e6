import type { Library } from '../types.ts';
import { preallocatedRejection, succeed, throwFresh } from '../workload.ts';

// The reactions of the closed row's floor, made once: a breaker attaches its own once per call.
const onOk = (value: unknown): unknown => value;
const onErr = (error: unknown): never => {
  throw error;
};

/**
 * The floors: per row, the least any breaker could cost, done with no breaker at all. A breaker
 * must learn the outcome of a call, which costs one promise reaction more than `await fn()`; a
 * refusal must hand the caller a rejected promise. The engine's targets are ratios to these.
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
      setup: 'await throwFresh()',
      prepare: () => ({ op: throwFresh }),
    },
    open: {
      setup: 'await preallocatedRejection',
      prepare: () => ({ op: () => preallocatedRejection }),
    },
  },
};
