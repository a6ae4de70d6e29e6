// Kept from load time: a test or a driver may install fake timers later, and the flush must
// still take a turn of the real event loop.
const realSetImmediate = globalThis.setImmediate;

/**
 * Resolves after every pending promise reaction and `process.nextTick` callback has run: Node
 * drains both queues before it runs an immediate.
 */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => {
    realSetImmediate(resolve);
  });
}
