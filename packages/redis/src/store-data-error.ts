/**
 * What the store found in Redis or on its channel that is not what it writes: a state, count or
 * trial field that fails validation, a key of the wrong type, a message that is no transition.
 * It is ignored — treated as absent and written over with the breaker's own state — and reported
 * as a `storeError` with the breaker's name; every other breaker goes on sharing. Seen when
 * something else writes under the store's prefix.
 *
 * Also reported: an open or half-open state whose period begins more than 5 seconds ahead of the
 * breaker's clock, or lasts longer than any open period may (see `StoreCircuit.adopt`) — written
 * by anyone, or published by a replica whose clock is far off. The breaker takes it bounded on
 * its own clock; the state is left in Redis, and the breaker's half-open state replaces it when
 * the bounded period ends.
 */
export class StoreDataError extends Error {
  /** Always `'ERR_STORE_DATA'`. */
  readonly code = 'ERR_STORE_DATA' as const;
  /** The breaker whose data it was, when known. */
  readonly breaker: string | undefined;

  constructor(message: string, breaker?: string) {
    super(message);
    this.name = 'StoreDataError';
    this.breaker = breaker;
  }
}
