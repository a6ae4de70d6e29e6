import { InvalidOptionError } from '@tripswitch/core';
import type { GuardedMethod } from './guarded-method.ts';

/** @internal Calls the method's fallback with the call's arguments followed by the error. */
export function callFallback(
  guarded: GuardedMethod,
  self: unknown,
  args: readonly unknown[],
  error: unknown,
): unknown {
  const { fallback } = guarded;
  const fn =
    typeof fallback === 'string'
      ? (self as Record<string, unknown> | undefined)?.[fallback]
      : fallback;
  if (typeof fn !== 'function') {
    throw new InvalidOptionError(
      'fallback',
      fallback,
      `the name of a method of ${guarded.className}`,
      guarded.name,
    );
  }
  return fn.call(self, ...args, error);
}
