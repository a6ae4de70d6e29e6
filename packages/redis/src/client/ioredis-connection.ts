import { withTimeout } from '../with-timeout.ts';
import type { Connection, Subscriber, SubscriberHandlers } from './connection.ts';

type Listener = (...args: never[]) => void;

/** @internal The parts of an ioredis `Redis` or `Cluster` the store uses. */
export interface IoredisClient {
  readonly status: string;
  readonly isCluster?: boolean;
  call(command: string, ...args: string[]): Promise<unknown>;
  duplicate(): IoredisClient;
  connect(): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  disconnect(): void;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

/** @internal Whether `client` looks like an ioredis `Redis` or `Cluster`. */
export function isIoredis(client: object): client is IoredisClient {
  const c = client as Partial<Record<keyof IoredisClient, unknown>>;
  return (
    typeof c.call === 'function' &&
    typeof c.duplicate === 'function' &&
    typeof c.status === 'string' &&
    typeof c.on === 'function'
  );
}

/**
 * @internal A connection over an ioredis client. ioredis has no per-command timeout (only the
 * client-wide `commandTimeout`, which the store honours when it is set), so every command is
 * bounded by the store's own guard.
 */
export function ioredisConnection(client: IoredisClient, timeoutMs: number): Connection {
  return {
    kind: 'ioredis',
    cluster: client.isCluster === true,
    command: (args) =>
      withTimeout(client.call(args[0] as string, ...args.slice(1)), timeoutMs, args[0] as string),
    subscribe: (channel, handlers) => ioredisSubscriber(client, channel, handlers, timeoutMs),
    onError(listener) {
      client.on('error', listener);
      return () => client.off('error', listener);
    },
  };
}

function ioredisSubscriber(
  client: IoredisClient,
  channel: string,
  handlers: SubscriberHandlers,
  timeoutMs: number,
): Subscriber {
  const sub = client.duplicate();
  let closed = false;
  let subscribing = false;
  const subscribe = () => {
    if (closed || subscribing) return;
    subscribing = true;
    // Subscribed anew on every `ready`: the reply confirms the subscription is in place before
    // the store reads the state it may have missed.
    withTimeout(sub.subscribe(channel), timeoutMs, 'SUBSCRIBE').then(
      () => {
        subscribing = false;
        if (!closed) handlers.subscribed();
      },
      (error: unknown) => {
        subscribing = false;
        if (!closed) handlers.lost(error);
      },
    );
  };
  sub.on('message', ((from: string, text: string) => {
    if (!closed && from === channel) handlers.message(text);
  }) as Listener);
  sub.on('ready', subscribe);
  sub.on('close', () => {
    if (!closed) handlers.lost(new Error('The Redis subscriber connection closed'));
  });
  // Connection errors are reported through `close`; without a listener ioredis prints them.
  sub.on('error', () => {});
  if (sub.status === 'wait') sub.connect().catch(() => {});
  else if (sub.status === 'ready') subscribe();
  return {
    retry: () => {
      if (sub.status === 'ready') subscribe();
    },
    close: () => {
      closed = true;
      sub.disconnect();
    },
  };
}
