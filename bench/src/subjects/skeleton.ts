import type { Library } from '../types.ts';
import { succeed, throwFresh } from '../workload.ts';

// The one reaction pair a breaker attaches to learn a call's outcome, made once, as in the floor.
const onOk = (value: unknown): unknown => value;
const onErr = (error: unknown): never => {
  throw error;
};

// V8 inlines no function of more than 460 bytes of bytecode (its --max-inlined-bytecode-size):
// statements that never run take the pass-through over that size, and add nothing else to it
// (`node --trace-turbo-inlining` names it as not inlined, reason 5). Should a later V8 inline it
// anyway, the skeleton would cost what the floor does, and the report would show it.
const neverRun = Array.from(
  { length: 40 },
  (_, i) => `keep.push(fn.name + ${i}, fn.length * ${i});`,
).join('\n');

/**
 * The floor's one function between caller and dependency, but one V8 keeps as a frame of its
 * own, as it keeps a breaker's entry point: `(fn) => fn()` with a body too big to inline, behind
 * a branch never taken. The floor's `through` is inlined into its caller, so its frame costs
 * nothing; a breaker's entry point holds its admission and settlement code, too much to inline.
 */
const passOn = new Function(
  'keep',
  `return function passOn(fn) {\n  if (fn === keep) {\n${neverRun}\n  }\n  return fn();\n};`,
)([]) as <T>(fn: () => T) => T;

/**
 * A breaker with no bookkeeping: what any breaker does before it counts anything. Its entry
 * point is a frame V8 keeps (see {@link passOn}), and it attaches the reaction that learns the
 * outcome, on a failing call too, where the floor has none. Not a target: the targets are ratios
 * to the floors; "÷ skeleton" shows what a breaker's own bookkeeping costs.
 */
export const skeleton: Library = {
  name: 'skeleton',
  version: 'no breaker',
  rows: {
    closed: {
      setup: 'await passOn(succeed).then(onOk, onErr)',
      prepare: () => ({ op: () => passOn(succeed).then(onOk, onErr) }),
    },
    throwing: {
      setup: 'await passOn(throwFresh).then(onOk, onErr)',
      prepare: () => ({ op: () => passOn(throwFresh).then(onOk, onErr) }),
    },
  },
};
