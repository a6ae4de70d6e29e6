/**
 * The functions every breaker wraps in the timing rows. They do no work of their own, so what is
 * measured is the breaker's overhead, not the dependency's.
 */

/** The value {@link succeed} resolves to. */
export const answer = 42;

/**
 * The error {@link fail} rejects with. Made once, so that no row pays for capturing a stack
 * trace that a real dependency would capture anyway; only errors a breaker builds itself cost.
 */
export const failure: Error = new Error('the dependency failed');

/** A dependency that answers at once. */
export async function succeed(): Promise<number> {
  return answer;
}

// About 1 KB of JSON: parsing it takes a few microseconds, about what the cheapest real call
// (a cache lookup, a serialisation) costs before any I/O.
const document = JSON.stringify({
  items: Array.from({ length: 16 }, (_, i) => ({
    id: i,
    sku: `sku-${i}`,
    price: i * 1.5,
    tags: ['a', 'b'],
  })),
});

/** A dependency that does a few microseconds of work (parses 1 KB of JSON), then answers. */
export async function work(): Promise<number> {
  return (JSON.parse(document) as { items: unknown[] }).items.length;
}

/** A dependency that fails at once. */
export async function fail(): Promise<never> {
  throw failure;
}

/** A dependency that fails at once with a new `Error`, stack trace and all, as most do. */
export async function throwFresh(): Promise<never> {
  throw new Error('the dependency failed');
}

/**
 * A rejection made once and handled, so that awaiting it costs only the await: the open row's
 * bare baseline, and with one clock read its floor (subjects/floor.ts).
 */
export const preallocatedRejection: Promise<never> = Promise.reject(failure);
preallocatedRejection.catch(() => {});

/** A function that must never run, and the count of times it did. */
export interface Tripwire {
  fn: () => Promise<number>;
  calls(): number;
}

/** Builds a {@link Tripwire}, for rows where the breaker must refuse without calling. */
export function tripwire(): Tripwire {
  let calls = 0;
  return {
    fn: async () => {
      calls++;
      return answer;
    },
    calls: () => calls,
  };
}

/** Describes a tripwire that went off, or returns undefined when it did not. */
export function trippedMessage(wire: Tripwire): string | undefined {
  const calls = wire.calls();
  return calls === 0
    ? undefined
    : `the wrapped function ran ${calls} times while the circuit was open`;
}
