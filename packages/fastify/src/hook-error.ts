/**
 * @internal What to hand Fastify's `done()` for a value a user's callback (`key`, `onOpen`)
 * threw. Fastify's hook runner takes a falsy argument to `done` for "no error" and runs the
 * later hooks and the handler — so a `throw undefined` (or `null`, `0`, `''`, `false`) in
 * `onOpen` would let a refused request through an open circuit. Such a value is wrapped in an
 * Error, which Fastify's error handling answers; anything else goes on as it was thrown.
 */
export function hookError(thrown: unknown, source: string): Error {
  if (thrown) return thrown as Error;
  return new Error(`${source} threw ${describe(thrown)}, which is not an error`, {
    cause: thrown,
  });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
