import type { Library } from '../types.ts';
import { succeed, throwFresh } from '../workload.ts';

// The reactions of the closed row, made once, as in the floor.
const onOk = (value: unknown): unknown => value;
const onErr = (error: unknown): never => {
  throw error;
};

// V8 inlines no function of more than 460 bytes of bytecode (its --max-inlined-bytecode-size):
// statements that never run give the pass-through below that size, and nothing else.
const neverRun = Array.from(
  { length: 40 },
  (_, i) => `keep.push(fn.name + ${i}, fn.length * ${i});`,
).join('\n');

/**
 * The floor's one function between caller and dependency, but one V8 keeps as a frame of its
 * own, as it keeps any breaker's: `(fn) => fn()` with a body too big to inline, behind a branch
 * never taken. The floor's `through` is inlined into its caller, so its frame costs nothing; a
 * breaker's entry point holds its admission and settlement code and is too big to inline. The
 * difference is what V8 charges for the frame: a call, and, for an Error thrown inside, one more
 * optimized frame to rebuild while capturing the stack trace.
 */
const passOn = new Function(
  'keep',
  `return function passOn(fn) {\n  if (fn === keep) {\n${neverRun}\n  }\n  return fn();\n};`,
)([]) as <T>(fn: () => T) => T;

/**
 * The floors of the closed and throwing rows through a frame V8 keeps (see {@link passOn}): what
 * a breaker pays at least once its own code is too big to inline. Not a target: the targets are
 * ratios to the floors; this shows how much of the gap to them is the frame alone.
 */
export const keptFrame: Library = {
  name: 'floor + frame',
  version: 'no breaker',
  rows: {
    closed: {
      setup: 'await passOn(succeed).then(onOk, onErr)',
      prepare: () => ({ op: () => passOn(succeed).then(onOk, onErr) }),
    },
    throwing: {
      setup: 'await passOn(throwFresh)',
      prepare: () => ({ op: () => passOn(throwFresh) }),
    },
  },
};
