/**
 * @internal What a user's predicate (`isFailure`, `isResultFailure`, a trip rule's `shouldOpen`,
 * a throttle's `shouldThrottle`) answered, as a boolean. A promise is refused with a TypeError
 * naming the predicate, which its caller handles as it handles a predicate that throws: an
 * `async` predicate answers a promise, which would read as `true` every time, silently — every
 * call a failure, or a circuit that opens on its first call.
 */
export function predicateAnswer(answer: unknown, predicate: string): boolean {
  if (
    typeof answer === 'object' &&
    answer !== null &&
    typeof (answer as { then?: unknown }).then === 'function'
  ) {
    throw new TypeError(
      `${predicate} returned a promise; it must return a boolean at once (an async function cannot be a predicate)`,
    );
  }
  return Boolean(answer);
}
