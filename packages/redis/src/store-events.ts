/** The events of a {@link RedisBreakerStore}, by name, with their payloads. */
export interface RedisStoreEvents {
  /**
   * Without `name`: Redis stopped answering (an error, a command past `commandTimeoutMs`, the
   * subscription lost); every breaker goes on deciding alone. Emitted once per outage, with the
   * error that began it.
   *
   * With `name`: Redis held data of that breaker that is not what the store writes (a field
   * that fails validation, a key of the wrong type), or a message on the channel failed
   * validation (a `StoreDataError`, code `ERR_STORE_DATA`). It was ignored — treated as absent
   * and written over with the breaker's state — and every other breaker went on sharing; the
   * store stays available. At most once a second per name. A message that names no breaker of
   * this process is reported without `name`, with a `StoreDataError` too.
   */
  storeError: { error: unknown; name?: string | undefined };
  /**
   * Redis answers again and every bound breaker's state was brought in line with the fleet's:
   * `unavailableMs` after the `storeError`.
   */
  storeRecovered: { unavailableMs: number };
}

/** The name of a store event. */
export type RedisStoreEventName = keyof RedisStoreEvents;

/** A listener of one store event. */
export type RedisStoreListener<K extends RedisStoreEventName> = (
  event: RedisStoreEvents[K],
) => void;

const eventNames: ReadonlySet<string> = new Set<RedisStoreEventName>([
  'storeError',
  'storeRecovered',
]);

/** @internal The listeners of a store's events. A listener that throws is reported, not let through. */
export class StoreListeners {
  #lists: { [K in RedisStoreEventName]?: ReadonlyArray<RedisStoreListener<K>> } = {};

  add<K extends RedisStoreEventName>(event: K, listener: RedisStoreListener<K>): () => void {
    if (typeof event !== 'string' || !eventNames.has(event)) {
      throw new TypeError(
        `Unknown store event ${JSON.stringify(event)}; expected one of: ${[...eventNames].join(', ')}`,
      );
    }
    if (typeof listener !== 'function') {
      throw new TypeError(
        `The listener of store event "${event}" must be a function; got ${typeof listener}`,
      );
    }
    const lists = this.#lists as { [P in K]?: ReadonlyArray<RedisStoreListener<K>> };
    lists[event] = [...(lists[event] ?? []), listener];
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const remaining = [...(lists[event] ?? [])];
      remaining.splice(remaining.indexOf(listener), 1);
      lists[event] = remaining;
    };
  }

  emit<K extends RedisStoreEventName>(event: K, payload: RedisStoreEvents[K]): void {
    const list = this.#lists[event] as ReadonlyArray<RedisStoreListener<K>> | undefined;
    for (const listener of list ?? []) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`[tripswitch] a RedisBreakerStore "${event}" listener threw`, error);
      }
    }
  }
}
