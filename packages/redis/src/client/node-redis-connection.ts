import { withTimeout } from '../with-timeout.ts';
import type { Connection, Subscriber, SubscriberHandlers } from './connection.ts';

type Listener = (...args: never[]) => void;
type CommandOptions = { timeout?: number };

interface NodeRedisCommon {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  destroy(): void;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

/** @internal The parts of a node-redis client (`createClient()`) the store uses. */
export interface NodeRedisClient extends NodeRedisCommon {
  sendCommand(args: readonly string[], options?: CommandOptions): Promise<unknown>;
  duplicate(): NodeRedisClient;
}

/** @internal The parts of a node-redis cluster (`createCluster()`) the store uses. */
export interface NodeRedisCluster extends NodeRedisCommon {
  readonly masters: unknown;
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: readonly string[],
    options?: CommandOptions,
  ): Promise<unknown>;
  duplicate(): NodeRedisCluster;
}

/** @internal Whether `client` looks like a node-redis client or cluster. */
export function isNodeRedis(client: object): client is NodeRedisClient | NodeRedisCluster {
  const c = client as Partial<Record<keyof NodeRedisClient, unknown>>;
  return (
    typeof c.sendCommand === 'function' &&
    typeof c.duplicate === 'function' &&
    typeof c.isOpen === 'boolean' &&
    typeof c.on === 'function'
  );
}

/**
 * @internal A connection over a node-redis client or cluster. Each command carries node-redis's
 * own `timeout` option, which also takes it out of the client's queue, and the store's guard.
 */
export function nodeRedisConnection(
  client: NodeRedisClient | NodeRedisCluster,
  timeoutMs: number,
): Connection {
  const options = { timeout: timeoutMs };
  const send: (args: readonly string[], key: string | undefined) => Promise<unknown> =
    'masters' in client
      ? (args, key) => client.sendCommand(key, false, args, options)
      : (args) => (client as NodeRedisClient).sendCommand(args, options);
  return {
    kind: 'node-redis',
    cluster: 'masters' in client,
    command: (args, key) => withTimeout(send(args, key), timeoutMs, args[0] as string),
    subscribe: (channel, handlers) => nodeRedisSubscriber(client, channel, handlers, timeoutMs),
    onError(listener) {
      client.on('error', listener);
      return () => client.off('error', listener);
    },
  };
}

function nodeRedisSubscriber(
  client: NodeRedisClient | NodeRedisCluster,
  channel: string,
  handlers: SubscriberHandlers,
  timeoutMs: number,
): Subscriber {
  const sub: NodeRedisCommon = client.duplicate();
  let closed = false;
  let established = false;
  let subscribing = false;
  const listener = (message: string) => {
    if (!closed) handlers.message(message);
  };
  const ensure = () => {
    if (closed || subscribing) return;
    // node-redis subscribes again by itself, before `ready`, after a reconnection.
    if (established) {
      handlers.subscribed();
      return;
    }
    subscribing = true;
    withTimeout(sub.subscribe(channel, listener), timeoutMs, 'SUBSCRIBE').then(
      () => {
        subscribing = false;
        established = true;
        if (!closed) handlers.subscribed();
      },
      (error: unknown) => {
        subscribing = false;
        if (!closed) handlers.lost(error);
      },
    );
  };
  const lost = (error: unknown) => {
    if (!closed) handlers.lost(error);
  };
  sub.on('ready', ensure);
  sub.on('error', lost as Listener);
  sub.on('reconnecting', () => lost(new Error('The Redis subscriber connection is reconnecting')));
  sub.connect().then(ensure, lost);
  return {
    retry: () => {
      if (sub.isReady !== false && sub.isOpen) ensure();
    },
    close: () => {
      closed = true;
      try {
        sub.destroy();
      } catch {
        // Already closed.
      }
    },
  };
}
