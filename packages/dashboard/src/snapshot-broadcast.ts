import type { ServerResponse } from 'node:http';
import type { BreakerRegistry, BreakerStats } from '@tripswitch/core';
import { RateTracker } from './rate-tracker.ts';
import { safeJson } from './respond.ts';
import { nameId, type Rates, toSnapshot } from './snapshot.ts';

/** @internal What bounds a broadcast: the handler's options. */
export interface BroadcastSettings {
  readonly intervalMs: number;
  readonly maxNameLength: number;
  readonly maxBufferBytes: number;
}

/**
 * @internal The data streams of one dashboard handler, fed by one timer and one registry
 * listener. Each snapshot is built once — one `stats()`, one JSON text, one buffer — and the same
 * bytes are written to every stream, so what a tick costs follows from the registry and the
 * options, not from how many pages are open. A stream whose reader does not keep up (its
 * unsent bytes would pass `maxBufferBytes`) is dropped; its page reconnects when it can.
 */
export class SnapshotBroadcast {
  readonly #registry: BreakerRegistry;
  readonly #settings: BroadcastSettings;
  readonly #streams = new Set<ServerResponse>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #pushTimer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: (() => void) | undefined;
  #tracker: RateTracker | undefined;
  #latest: Buffer | undefined;
  #lastPush = Number.NEGATIVE_INFINITY;
  #pushPending = false;
  #ids = new Map<string, string>();

  constructor(registry: BreakerRegistry, settings: BroadcastSettings) {
    this.#registry = registry;
    this.#settings = settings;
  }

  /** How many streams are open. */
  get size(): number {
    return this.#streams.size;
  }

  /** Adds a stream whose headers were sent; it gets the latest snapshot at once. */
  add(res: ServerResponse): void {
    if (this.#streams.size === 0) this.#start();
    this.#streams.add(res);
    res.once('close', () => {
      this.#streams.delete(res);
      if (this.#streams.size === 0) this.#stop();
    });
    // Written whatever its size: the stream holds only its headers and `retry:` line, which
    // node:http keeps in the corked socket until the next tick, so they would read as a backlog
    // and drop at once every stream of a snapshot larger than `maxBufferBytes`.
    res.write(this.#latest ?? this.#build(this.#registry.stats(), undefined));
  }

  /** The whole name of the breaker whose long name has id `id`, if there is one. */
  nameOf(id: string): string | undefined {
    for (const [name, known] of this.#ids) if (known === id) return name;
    const { maxNameLength } = this.#settings;
    for (const { name } of this.#registry.stats()) {
      if (name.length > maxNameLength && nameId(name) === id) return name;
    }
    return undefined;
  }

  /**
   * Ends every stream. One whose reader has not taken all it was sent is destroyed instead: its
   * response would never finish, and its connection would hold `server.close()` (and this
   * broadcast's timer) for as long as the client stays.
   */
  close(): void {
    for (const res of this.#streams) {
      res.end();
      // end() uncorks the socket and hands it the last chunk: what still waits is not being read.
      if (res.writableLength > 0) res.destroy();
    }
  }

  #start(): void {
    this.#tracker = new RateTracker(this.#registry.stats(), performance.now());
    this.#timer = setInterval(() => this.#tick(), this.#settings.intervalMs);
    this.#unsubscribe = this.#registry.on('stateChange', () => this.#stateChanged());
  }

  #stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#pushTimer);
    this.#pushTimer = undefined;
    this.#pushPending = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#tracker = undefined;
    this.#latest = undefined;
    this.#ids.clear();
  }

  #tick(): void {
    const stats = this.#registry.stats();
    const rates = this.#tracker?.measure(stats, performance.now());
    this.#broadcast(this.#build(stats, rates));
  }

  /**
   * A circuit changed state: a push at once, with the last interval's rates (a reading a few
   * milliseconds long is noise). Transitions in one turn make one push, and state-change pushes
   * come at most once per {@link pushGapMs}, however many circuits flap.
   */
  #stateChanged(): void {
    if (this.#pushPending) return;
    this.#pushPending = true;
    const push = () => {
      this.#pushPending = false;
      this.#pushTimer = undefined;
      if (this.#streams.size === 0) return;
      this.#lastPush = performance.now();
      this.#broadcast(this.#build(this.#registry.stats(), this.#tracker?.rates));
    };
    const gap = this.#lastPush + this.#pushGapMs - performance.now();
    // After the breaker has finished its transition, so the push shows where it ended up.
    if (!(gap > 0)) queueMicrotask(push);
    else this.#pushTimer = setTimeout(push, gap);
  }

  /** The least time between two state-change pushes: a quarter interval, at most 250 ms. */
  get #pushGapMs(): number {
    return Math.min(250, this.#settings.intervalMs / 4);
  }

  #build(stats: readonly BreakerStats[], rates: ReadonlyMap<string, Rates> | undefined): Buffer {
    const { maxNameLength } = this.#settings;
    const ids = new Map<string, string>();
    const idOf = (name: string) => {
      const id = this.#ids.get(name) ?? nameId(name);
      ids.set(name, id);
      return id;
    };
    const snapshot = toSnapshot(stats, rates, Date.now(), { maxNameLength, idOf });
    // Only the names of this snapshot are kept: as many as the registry holds.
    this.#ids = ids;
    const payload = Buffer.from(`event: snapshot\ndata: ${safeJson(snapshot)}\n\n`);
    this.#latest = payload;
    return payload;
  }

  #broadcast(payload: Buffer): void {
    for (const res of this.#streams) this.#send(res, payload);
  }

  #send(res: ServerResponse, payload: Buffer): void {
    if (res.destroyed || res.writableEnded) return;
    const waiting = res.writableLength;
    // Whatever waits is behind already; a snapshot larger than the buffer is let through alone.
    if (waiting > 0 && waiting + payload.length > this.#settings.maxBufferBytes) {
      res.destroy();
      return;
    }
    res.write(payload);
  }
}
