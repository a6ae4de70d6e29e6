// A real grpc-js server on 127.0.0.1, port 0, serving shop.proto: it counts the calls it
// receives, per method, and answers each as the test scripts it — for every call at once
// (`answer`), or per call, through the call's own metadata (`scripted`).
import type {
  Metadata,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  sendUnaryData,
} from '@grpc/grpc-js';
import { grpc, grpcVersion, loadShop } from './grpc.ts';

// grpc-js before 1.10 serves only after start(); later versions start on bind and deprecate it.
const [major = 0, minor = 0] = grpcVersion.split('.').map(Number);
const needsStart = major === 1 && minor < 10;

/** The methods the server implements: one of each kind, and a second service's. */
export type Method = 'GetStock' | 'ReportSales' | 'WatchStock' | 'Restock' | 'GetPrice';

/** How the server ends a call. */
export type Reply =
  | { readonly kind: 'ok' }
  | {
      readonly kind: 'status';
      readonly code: number;
      readonly details: string;
      readonly trailers: Readonly<Record<string, string>>;
    }
  /** Never: the call stays open until the client ends it (deadline, cancel) or the server stops. */
  | { readonly kind: 'hang' }
  /** Like hang, after a first response message on a streaming response: a call mid-stream. */
  | { readonly kind: 'stall' };

/** Answers with OK: the unary methods with a message, the streams with two. */
export const ok: Reply = { kind: 'ok' };

/** Never answers. */
export const hang: Reply = { kind: 'hang' };

/** Never ends a call; a streaming response sends one message first. */
export const stall: Reply = { kind: 'stall' };

/** Ends the call with `code`, after a first message on a streaming response. */
export function fail(code: number, trailers: Record<string, string> = {}): Reply {
  return { kind: 'status', code, details: `the server says ${code}`, trailers };
}

/** Decides each call's reply as it arrives; a promise holds the call until it settles. */
export type Answer = (method: Method) => Reply | Promise<Reply>;

/** Replies held until the test releases them (with `ok`, unless it says otherwise). */
export interface Held {
  readonly answer: Answer;
  release(reply?: Reply): void;
}

export function held(): Held {
  let release: (reply: Reply) => void = () => {};
  const gate = new Promise<Reply>((resolve) => {
    release = resolve;
  });
  return { answer: () => gate, release: (reply = ok) => release(reply) };
}

// The metadata keys a call carries its own script in.
const replyKey = 'x-reply';
const idKey = 'x-call';

/**
 * Metadata that makes the server answer this call with `reply`, whatever `answer` says, and lets
 * the test wait for this call's arrival by `id`.
 */
export function scripted(reply: Reply, id: string): Metadata {
  const metadata = new grpc.Metadata();
  metadata.set(replyKey, JSON.stringify(reply));
  metadata.set(idKey, id);
  return metadata;
}

/** A running inventory server. */
export interface InventoryServer {
  /** `127.0.0.1:<port>`, the address a client connects to. */
  readonly address: string;
  /** Calls received so far, of every method. */
  readonly received: number;
  /** Calls received so far, per method. */
  receivedOf(method: Method): number;
  /** Resolves once `count` calls in all have been received (at once if they have). */
  arrivals(count: number): Promise<void>;
  /** Resolves once the call `scripted` with `id` has been received. */
  arrivalOf(id: string): Promise<void>;
  /** Whether the call `scripted` with `id` has been received. */
  hasReceived(id: string): boolean;
  /** Replaces how calls are answered. */
  answer(answer: Answer | Reply): void;
  /** Stops at once, ending every call in progress (clients see CANCELLED). */
  forceShutdown(): void;
}

/** Registers a cleanup to run when the test ends (vitest's `onTestFinished`). */
export type OnTestFinished = (cleanup: () => Promise<void> | void) => void;

/** Starts a server on 127.0.0.1, port 0; it is shut down when the test finishes. */
export async function startInventory(
  onTestFinished: OnTestFinished,
  initial: Answer | Reply = ok,
): Promise<InventoryServer> {
  let current: Answer = asAnswer(initial);
  const counts = new Map<Method, number>();
  let received = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const arrived = new Map<string, () => void>();
  const arrivedIds = new Set<string>();
  const arrive = (method: Method, metadata: Metadata): Promise<Reply> => {
    received++;
    counts.set(method, (counts.get(method) ?? 0) + 1);
    for (const waiter of waiters.filter((w) => w.count <= received)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const [id] = metadata.get(idKey);
    if (typeof id === 'string') {
      arrivedIds.add(id);
      arrived.get(id)?.();
    }
    const [script] = metadata.get(replyKey);
    return Promise.resolve(
      typeof script === 'string' ? (JSON.parse(script) as Reply) : current(method),
    );
  };

  const server = new grpc.Server();
  const shop = loadShop();
  server.addService(shop.Inventory.service, {
    GetStock(call: ServerUnaryCall<{ sku: string }, unknown>, callback: sendUnaryData<unknown>) {
      void arrive('GetStock', call.metadata).then((reply) => answerUnary(reply, call, callback));
    },
    ReportSales(call: ServerReadableStream<unknown, unknown>, callback: sendUnaryData<unknown>) {
      const reply = arrive('ReportSales', call.metadata);
      let sales = 0;
      call.on('data', () => {
        sales++;
      });
      // Answered once the client has sent everything, as a real aggregation would.
      call.on('end', () => {
        void reply.then((r) => {
          if (r.kind === 'ok') callback(null, { sales });
          else if (r.kind === 'status') callback(statusOf(r));
        });
      });
    },
    WatchStock(call: ServerWritableStream<{ sku: string }, unknown>) {
      void arrive('WatchStock', call.metadata).then((reply) => {
        if (reply.kind === 'hang') return;
        call.write({ sku: call.request.sku, level: 1 });
        if (reply.kind === 'ok') {
          call.write({ sku: call.request.sku, level: 2 });
          call.end();
        } else if (reply.kind === 'status') call.emit('error', statusOf(reply));
      });
    },
    Restock(call: ServerDuplexStream<{ sku: string }, unknown>) {
      const reply = arrive('Restock', call.metadata);
      let echoed = false;
      call.on('data', (sale: { sku: string }) => {
        void reply.then((r) => {
          if (r.kind === 'hang' || (r.kind === 'stall' && echoed)) return;
          echoed = true;
          call.write({ sku: sale.sku, level: 5 });
        });
      });
      call.on('end', () => {
        void reply.then((r) => {
          if (r.kind === 'ok') call.end();
          else if (r.kind === 'status') call.emit('error', statusOf(r));
        });
      });
    },
  });
  server.addService(shop.Prices.service, {
    GetPrice(call: ServerUnaryCall<{ sku: string }, unknown>, callback: sendUnaryData<unknown>) {
      void arrive('GetPrice', call.metadata).then((reply) => answerUnary(reply, call, callback));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  if (needsStart) server.start();
  onTestFinished(() => server.forceShutdown());
  return {
    address: `127.0.0.1:${port}`,
    get received() {
      return received;
    },
    receivedOf: (method) => counts.get(method) ?? 0,
    arrivals(count) {
      if (received >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    arrivalOf(id) {
      if (arrivedIds.has(id)) return Promise.resolve();
      return new Promise((resolve) => arrived.set(id, resolve));
    },
    hasReceived: (id) => arrivedIds.has(id),
    answer(next) {
      current = asAnswer(next);
    },
    forceShutdown: () => server.forceShutdown(),
  };
}

function answerUnary(
  reply: Reply,
  call: ServerUnaryCall<{ sku: string }, unknown>,
  callback: sendUnaryData<unknown>,
): void {
  if (reply.kind === 'ok') callback(null, { sku: call.request.sku, level: 7 });
  else if (reply.kind === 'status') callback(statusOf(reply));
}

function asAnswer(answer: Answer | Reply): Answer {
  return typeof answer === 'function' ? answer : () => answer;
}

function statusOf(reply: Extract<Reply, { kind: 'status' }>) {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(reply.trailers)) metadata.set(key, value);
  return { code: reply.code, details: reply.details, metadata };
}
