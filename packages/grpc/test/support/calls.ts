// Calls of every kind to shop.Inventory, each with a promise of how it ended.
import type {
  CallOptions,
  Client,
  ClientDuplexStream,
  ClientReadableStream,
  ClientUnaryCall,
  ClientWritableStream,
  Metadata,
  requestCallback,
  ServiceError,
  StatusObject,
} from '@grpc/grpc-js';
import { vi } from 'vitest';
import { grpc } from './grpc.ts';

/** A client of shop.Inventory, as loadPackageDefinition makes it (the forms the tests use). */
export interface InventoryClient extends Client {
  GetStock(
    request: { sku: string },
    metadata: Metadata,
    options: CallOptions,
    callback: requestCallback<{ sku: string; level: number }>,
  ): ClientUnaryCall;
  ReportSales(
    metadata: Metadata,
    options: CallOptions,
    callback: requestCallback<{ sales: number }>,
  ): ClientWritableStream<{ sku: string; quantity: number }>;
  WatchStock(
    request: { sku: string },
    metadata: Metadata,
    options: CallOptions,
  ): ClientReadableStream<{ sku: string; level: number }>;
  Restock(
    metadata: Metadata,
    options: CallOptions,
  ): ClientDuplexStream<{ sku: string; quantity: number }, { sku: string; level: number }>;
}

/** The four kinds of call, one per method of shop.Inventory. */
export const kinds = ['unary', 'client-streaming', 'server-streaming', 'bidi'] as const;
export type Kind = (typeof kinds)[number];

/** How a call ended, as its caller saw it. */
export interface Ended {
  /** The status the call ended with (its `status` event). */
  status: StatusObject;
  /** The error the caller received (callback or `error` event), if any. */
  error: ServiceError | undefined;
  /** The response messages the caller received. */
  messages: unknown[];
}

/** A call in progress. */
export interface Call {
  /** What the stub call returned: `cancel()` it, read its peer. */
  readonly surface: ClientUnaryCall;
  /** Settles when the call's status arrives; never rejects. */
  readonly ended: Promise<Ended>;
}

/** Makes a call of `kind`; streaming requests send two messages, then end. */
export function call(
  client: InventoryClient,
  kind: Kind,
  options: CallOptions = {},
  metadata: Metadata = new grpc.Metadata(),
): Call {
  const messages: unknown[] = [];
  let error: ServiceError | undefined;
  const callback = (e: ServiceError | null, value?: unknown): void => {
    if (e) error = e;
    else messages.push(value);
  };
  let surface: ClientUnaryCall;
  switch (kind) {
    case 'unary':
      surface = client.GetStock({ sku: 'a' }, metadata, options, callback);
      break;
    case 'client-streaming': {
      const stream = client.ReportSales(metadata, options, callback);
      stream.write({ sku: 'a', quantity: 1 });
      stream.write({ sku: 'b', quantity: 2 });
      stream.end();
      surface = stream;
      break;
    }
    case 'server-streaming':
      surface = readAll(client.WatchStock({ sku: 'a' }, metadata, options), messages, (e) => {
        error = e;
      });
      break;
    case 'bidi': {
      const stream = client.Restock(metadata, options);
      readAll(stream, messages, (e) => {
        error = e;
      });
      stream.write({ sku: 'a', quantity: 1 });
      stream.write({ sku: 'b', quantity: 2 });
      stream.end();
      surface = stream;
      break;
    }
  }
  const ended = new Promise<Ended>((resolve) => {
    surface.once('status', (status: StatusObject) => {
      // A stream's 'error' comes just before 'status'; a unary callback, too.
      resolve({ status, error, messages });
    });
  });
  return { surface, ended };
}

/**
 * Resolves once `arrival` does (the server's news that the calls reached it); rejects at once,
 * naming the status, if one of `calls` ends first — a call that cannot reach the server would
 * otherwise leave the test waiting until it times out, with nothing said about why.
 */
export function reachedServer(arrival: Promise<void>, ...calls: Call[]): Promise<void> {
  const endedFirst = calls.map(({ ended }) =>
    ended.then(({ status }) => {
      throw new Error(
        `the call ended (${status.code}: ${status.details}) before the server saw it arrive`,
      );
    }),
  );
  return Promise.race([arrival, ...endedFirst]);
}

function readAll<T extends ClientReadableStream<unknown>>(
  stream: T,
  messages: unknown[],
  onError: (error: ServiceError) => void,
): T {
  stream.on('data', (message: unknown) => messages.push(message));
  stream.on('error', onError);
  return stream;
}

/**
 * Starts a call whose deadline is `ms` ahead, with the wall clock held still while it starts
 * (grpc-js and the interceptor read deadlines on it, synchronously): on a busy machine the
 * process can be paused between reading the clock and starting the call for longer than a short
 * deadline, and the call would then go around the breaker instead of through it.
 */
export function startBeforeDeadline<T>(start: (deadline: number) => T, ms = 50): T {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    return start(Date.now() + ms);
  } finally {
    vi.useRealTimers();
  }
}
