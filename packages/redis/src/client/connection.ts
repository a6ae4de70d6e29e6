/**
 * @internal What the store needs of a Redis client, whichever library it comes from: commands
 * with a bounded wait, a subscriber connection of its own, and the client's errors.
 */
export interface Connection {
  /** Which library the client is from, for messages. */
  readonly kind: 'ioredis' | 'node-redis';
  /** Whether the client is a cluster client: a script may then touch the keys of one slot only. */
  readonly cluster: boolean;
  /**
   * Sends one command. Rejects on an error reply, a connection error, or after the store's
   * command timeout. `key` (the first key) routes it in a cluster.
   */
  command(args: readonly string[], key: string | undefined): Promise<unknown>;
  /** Opens the store's own subscriber (a duplicate of the client) on `channel`. */
  subscribe(channel: string, handlers: SubscriberHandlers): Subscriber;
  /** Listens to the client's `error` events; returns the function that stops listening. */
  onError(listener: (error: unknown) => void): () => void;
}

/** @internal What a subscriber reports. */
export interface SubscriberHandlers {
  /** A message arrived on the channel. */
  message(text: string): void;
  /** The subscription is in place: the first time, and again after every reconnection. */
  subscribed(): void;
  /** The subscriber lost its connection or could not subscribe; messages may have been missed. */
  lost(error: unknown): void;
}

/** @internal The store's subscriber connection. */
export interface Subscriber {
  /** Subscribes again if the connection is up but the subscription is not in place. */
  retry(): void;
  /** Closes the connection at once. */
  close(): void;
}
