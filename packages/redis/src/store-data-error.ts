/**
 * What the store found in Redis or on its channel that is not what it writes: a state, count or
 * trial field that fails validation, a key of the wrong type, a message that is no transition.
 * It is ignored — treated as absent and written over with the breaker's own state — and reported
 * as a `storeError` with the breaker's name; every other breaker goes on sharing. Seen when
 * something else writes under the store's prefix.
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
