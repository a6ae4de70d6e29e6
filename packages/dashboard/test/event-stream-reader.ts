import { get, type IncomingMessage } from 'node:http';
import { onTestFinished } from 'vitest';
import type { DashboardSnapshot } from '../src/index.ts';

/** One server-sent event. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Reads a server-sent event stream over a real socket (node:http, no keep-alive), parsing the
 * wire format itself: blocks separated by a blank line, `field: value` lines.
 */
export class EventStreamReader {
  readonly response: IncomingMessage;
  /** Events received so far. */
  received = 0;
  /** Whether the server ended the stream. */
  ended = false;
  /** The `retry:` the server asked for, if any. */
  retry: number | undefined;
  readonly #destroy: () => void;
  readonly #events: ServerSentEvent[] = [];
  #waiters: Array<{ resolve: (event: ServerSentEvent) => void; reject: (error: Error) => void }> =
    [];
  #buffer = '';

  private constructor(response: IncomingMessage, destroy: () => void) {
    this.response = response;
    this.#destroy = destroy;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.#read(chunk));
    response.on('end', () => this.#end());
    response.on('close', () => this.#end());
  }

  /** Opens the stream at `url`; resolves when the response headers have arrived. */
  static open(url: string): Promise<EventStreamReader> {
    return new Promise((resolve, reject) => {
      const request = get(url, { agent: false, headers: { accept: 'text/event-stream' } });
      request.on('error', () => {});
      request.once('response', (response) => {
        resolve(new EventStreamReader(response, () => request.destroy()));
      });
      request.once('error', reject);
      onTestFinished(() => {
        request.destroy();
      });
    });
  }

  /** The next event, waiting for it if need be. */
  next(): Promise<ServerSentEvent> {
    const event = this.#events.shift();
    if (event !== undefined) return Promise.resolve(event);
    if (this.ended) return Promise.reject(new Error('the stream has ended'));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** The next event, which must be a snapshot, parsed. */
  async snapshot(): Promise<DashboardSnapshot> {
    const { event, data } = await this.next();
    if (event !== 'snapshot') throw new Error(`expected a snapshot event, got ${event}`);
    return JSON.parse(data) as DashboardSnapshot;
  }

  /** Hangs up, as a closed browser tab does. */
  close(): void {
    this.#destroy();
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const end = this.#buffer.search(/\r?\n\r?\n/);
      if (end < 0) return;
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      this.#dispatch(block);
    }
  }

  #dispatch(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') this.retry = Number(value);
    }
    if (data.length === 0) return;
    this.received++;
    const parsed = { event, data: data.join('\n') };
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#events.push(parsed);
    else waiter.resolve(parsed);
  }

  #end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.#waiters) waiter.reject(new Error('the stream has ended'));
    this.#waiters = [];
  }
}
