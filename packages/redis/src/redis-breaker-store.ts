import type { BreakerStore, StoreBinding, StoreCircuit } from '@tripswitch/core';
import { BoundCircuit } from './bound-circuit.ts';
import type { Connection, Subscriber } from './client/connection.ts';
import { connectionFor } from './client/connection-for.ts';
import { breakerKeys, channelOf } from './keys.ts';
import { NameEntry, type NameFlush } from './name-entry.ts';
import { type RedisBreakerStoreOptions, resolveSettings, type Settings } from './options.ts';
import { replyArray } from './reply.ts';
import { flushCounts, flushCountsArgs, type Script } from './scripts.ts';
import { decodeMessage } from './shared-state-codec.ts';
import { storeBinding } from './store-binding.ts';
import type { StoreContext } from './store-context.ts';
import { StoreDataError } from './store-data-error.ts';
import {
  type RedisStoreEventName,
  type RedisStoreListener,
  StoreListeners,
} from './store-events.ts';
import { TrialGrants } from './trial-grants.ts';

type Status = 'idle' | 'connecting' | 'up' | 'down' | 'closed';

/** The most names one flush script carries: a script runs alone in Redis, so keep each short. */
const namesPerScript = 256;

/** The least time between two reports of bad messages on the channel. */
const reportEveryMs = 1_000;

/**
 * Error replies that are about one breaker's data, not about Redis: the scripts read every field
 * defensively, so these are not expected, but if one comes it must not stop every breaker.
 */
const dataErrorPattern =
  /^(WRONGTYPE|ERR (user_script|Error running script|value is not|hash value))/;

const inertBinding: StoreBinding = {
  publish() {},
  record() {},
  fleetCounts: () => undefined,
  takeTrial: () => undefined,
  trialSettled() {},
  unbind() {},
};

/**
 * Shares breaker state through Redis, so that breakers of the same name in every process of a
 * fleet act as one: one process opens, all open (within milliseconds, by publish/subscribe);
 * outcome counts are summed across processes per time bucket; half-open trials are granted
 * fleet-wide by an atomic script, so a recovering service sees `halfOpenMaxCalls` trials in all.
 *
 * Each process still decides every call from its own mirror of the state: no call waits on
 * Redis. When Redis is slow or gone, breakers decide alone, the store emits `storeError`, and
 * once Redis answers again it brings every breaker back in line with the fleet and emits
 * `storeRecovered`.
 *
 * The store opens one connection of its own (a duplicate of your client, for its subscription)
 * when the first breaker binds, and runs one timer (unref'd) until {@link close}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { BreakerRegistry, RedisBreakerStore } from '@tripswitch/redis';
 *
 * const store = new RedisBreakerStore({ client: new Redis(process.env.REDIS_URL), prefix: 'checkout:' });
 * store.on('storeError', ({ error }) => log.warn({ error }, 'breakers decide alone until Redis returns'));
 *
 * const registry = new BreakerRegistry({ store, defaults: { failureRateThreshold: 50 } });
 * const receipt = await registry.get('payments').execute((signal) => payments.charge(order, { signal }));
 * ```
 */
export class RedisBreakerStore implements BreakerStore {
  readonly #settings: Settings;
  readonly #connection: Connection;
  readonly #context: StoreContext;
  /** Every name's entry, by the hash tag of its keys, which transition messages name it by. */
  readonly #entries = new Map<string, NameEntry>();
  readonly #listeners = new StoreListeners();
  /** Scripts Redis has run for this store: sent by their SHA-1 from then on. */
  readonly #loaded = new Set<Script>();
  #status: Status = 'idle';
  #subscriber: Subscriber | undefined;
  #subscribed = false;
  #recovering = false;
  #flushing: Promise<boolean> | undefined;
  #downSince = 0;
  #lastProbe = 0;
  #lastFlush = Number.NEGATIVE_INFINITY;
  #lastSync = 0;
  #lastMessageReport = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setInterval> | undefined;
  #offClientError: (() => void) | undefined;

  constructor(options: RedisBreakerStoreOptions) {
    const settings = resolveSettings(options);
    this.#settings = settings;
    this.#connection = connectionFor(options.client, settings.commandTimeoutMs);
    this.#context = {
      settings,
      channel: channelOf(settings.prefix),
      available: () => this.#status === 'up',
      run: (script, keys, args, name) => this.#run(script, keys, args, name),
      report: (name, error) => this.#listeners.emit('storeError', { error, name }),
    };
  }

  /**
   * Whether Redis answers and the store follows the fleet. While false, every breaker decides
   * alone; it becomes true shortly after the first breaker binds, and after each recovery. Bad
   * data of one breaker's name does not make it false.
   */
  get available(): boolean {
    return this.#status === 'up';
  }

  /** Binds a breaker (the engine calls this when a breaker with `store` is built). */
  bind(circuit: StoreCircuit): StoreBinding {
    if (this.#status === 'closed') return inertBinding;
    this.#start();
    const name = circuit.name;
    const keys = breakerKeys(this.#settings.prefix, name);
    const tag = keys.tag;
    let entry = this.#entries.get(tag);
    if (entry === undefined) {
      entry = new NameEntry(name, keys, this.#context);
      this.#entries.set(tag, entry);
    }
    const bindingEntry = entry;
    const bound = new BoundCircuit(
      circuit,
      (self) => new TrialGrants(self, bindingEntry, this.#context),
    );
    const known = entry.known;
    if (known !== undefined) {
      // Another breaker of this name in this process already follows the fleet. (Binding must
      // not throw, whatever the circuit: the entry catches what a foreign one throws.)
      entry.offer(bound, known);
    }
    entry.bound.add(bound);
    // A breaker that starts late reads the fleet's state (or, if there is none, puts its own,
    // unless it is only closed: see NameEntry.reconcile).
    if (this.#status === 'up') entry.refresh();
    return storeBinding(entry, bound, this.#context, () => {
      bindingEntry.bound.delete(bound);
      if (bindingEntry.bound.size > 0 || this.#entries.get(tag) !== bindingEntry) return;
      // The last breaker of the name left. The calls it recorded since the last flush happened
      // all the same, and the fleet should count them: the name stays for the next flush (or
      // close), which lets go of it (see #flush). While Redis is away they would be dropped,
      // as every count then is, and nothing is kept.
      if (this.#status !== 'up' || !bindingEntry.counts.hasPending) this.#entries.delete(tag);
    });
  }

  /**
   * Subscribes to a store event; returns the function that unsubscribes.
   *
   * @example
   * ```ts
   * const off = store.on('storeRecovered', ({ unavailableMs }) => log.info(`Redis back after ${unavailableMs} ms`));
   * ```
   */
  on<K extends RedisStoreEventName>(event: K, listener: RedisStoreListener<K>): () => void {
    return this.#listeners.add(event, listener);
  }

  /**
   * Adds the counts still buffered to Redis (waiting at most `commandTimeoutMs`), those of
   * breakers already disposed included, then stops the timer and closes the store's own
   * connection. Bound breakers go on alone. Your client stays open.
   */
  async close(): Promise<void> {
    if (this.#status === 'closed') return;
    if (this.#status === 'up') {
      await this.#flushing;
      if ([...this.#entries.values()].some((entry) => entry.counts.hasPending)) {
        await this.#flush(performance.now(), false);
      }
    }
    this.#status = 'closed';
    clearInterval(this.#timer);
    this.#subscriber?.close();
    this.#offClientError?.();
    for (const entry of this.#entries.values()) {
      for (const bound of entry.bound) bound.trials.close();
    }
    this.#entries.clear();
  }

  #start(): void {
    if (this.#status !== 'idle') return;
    this.#status = 'connecting';
    this.#offClientError = this.#connection.onError((error) => this.#fail(error));
    this.#subscriber = this.#connection.subscribe(this.#context.channel, {
      message: (text) => this.#onMessage(text),
      subscribed: () => {
        this.#subscribed = true;
        void this.#recover();
      },
      lost: (error) => {
        this.#subscribed = false;
        this.#fail(error);
      },
    });
    const { flushIntervalMs, retryIntervalMs } = this.#settings;
    this.#timer = setInterval(() => this.#tick(), Math.min(flushIntervalMs, retryIntervalMs));
    this.#timer.unref?.();
  }

  #onMessage(text: string): void {
    const message = decodeMessage(text);
    if (message === undefined) {
      this.#reportMessage(text);
      return;
    }
    this.#entries.get(message.tag)?.heard(message.state);
  }

  /** A message that is no transition: ignored, and reported (at most once a second). */
  #reportMessage(text: string): void {
    const now = performance.now();
    if (now - this.#lastMessageReport < reportEveryMs) return;
    this.#lastMessageReport = now;
    let name: string | undefined;
    try {
      const parsed = JSON.parse(text) as { n?: unknown };
      if (typeof parsed?.n === 'string') name = this.#entries.get(parsed.n)?.name;
    } catch {
      // Not JSON at all.
    }
    const error = new StoreDataError(
      `A message on ${this.#context.channel} is not a transition the store publishes; it was ignored`,
      name,
    );
    this.#listeners.emit('storeError', { error, name });
  }

  #tick(): void {
    if (this.#status === 'closed') return;
    const now = performance.now();
    const { flushIntervalMs, retryIntervalMs, syncIntervalMs } = this.#settings;
    if (this.#status !== 'up') {
      if (this.#status === 'down' && now - this.#lastProbe >= retryIntervalMs) {
        this.#lastProbe = now;
        if (this.#subscribed) void this.#recover();
        else this.#subscriber?.retry();
      }
      return;
    }
    // The timer may run more often than the flush (a short retryIntervalMs): half a turn of slack.
    const turn = Math.min(flushIntervalMs, retryIntervalMs);
    if (this.#flushing !== undefined || now - this.#lastFlush < flushIntervalMs - turn / 2) return;
    const sync = now - this.#lastSync >= syncIntervalMs;
    if (sync) this.#lastSync = now;
    void this.#flush(now, sync);
  }

  /**
   * Adds every name's counts to Redis and reads the fleet's windows and states back — with
   * `sync`, every name's state, counted or not — in one round trip: one script for up to
   * {@link namesPerScript} names on a single Redis, one script per name (all sent at once) on a
   * cluster, where a script may touch one slot only. Resolves whether Redis answered.
   */
  #flush(monoNow: number, sync: boolean): Promise<boolean> {
    this.#lastFlush = monoNow;
    const flushes: NameFlush[] = [];
    for (const [tag, entry] of this.#entries) {
      const flush = entry.takeFlush(monoNow, sync);
      if (flush !== undefined) flushes.push(flush);
      // A name whose breakers all left stayed only for the counts they left, now on their way.
      if (entry.bound.size === 0) this.#entries.delete(tag);
    }
    if (flushes.length === 0) return Promise.resolve(true);
    const size = this.#connection.cluster ? 1 : namesPerScript;
    const groups: NameFlush[][] = [];
    for (let i = 0; i < flushes.length; i += size) groups.push(flushes.slice(i, i + size));
    const flushing = Promise.all(groups.map((group) => this.#flushGroup(group, monoNow)))
      .then((answered) => answered.every(Boolean))
      .finally(() => {
        this.#flushing = undefined;
      });
    this.#flushing = flushing;
    return flushing;
  }

  async #flushGroup(group: readonly NameFlush[], monoNow: number): Promise<boolean> {
    const keys: string[] = [];
    const args = flushCountsArgs(this.#settings);
    for (const { entry, first, increments } of group) {
      keys.push(entry.keys.state);
      args.push(first, increments.length / 4, ...increments);
    }
    const outcome = await this.#evaluate(flushCounts, keys, args);
    if (outcome.kind === 'refused') {
      if (group.length > 1) {
        // One name's data made the script fail: each name alone, so only that one goes without.
        const answered = await Promise.all(group.map((one) => this.#flushGroup([one], monoNow)));
        return answered.every(Boolean);
      }
      this.#context.report((group[0] as NameFlush).entry.name, outcome.error);
    }
    const replies = outcome.kind === 'reply' ? outcome.reply : undefined;
    for (const [i, flush] of group.entries()) {
      flush.entry.flushed(flush, replies?.[i], monoNow);
    }
    return outcome.kind !== 'down';
  }

  /** Redis stopped answering: every breaker decides alone until {@link recover} succeeds. */
  #fail(error: unknown): void {
    if (this.#status === 'closed' || this.#status === 'down') return;
    this.#status = 'down';
    this.#downSince = performance.now();
    this.#lastProbe = this.#downSince;
    for (const entry of this.#entries.values()) entry.counts.invalidate();
    this.#listeners.emit('storeError', { error });
  }

  /**
   * Once the subscription is in place (again): checks that Redis answers, then brings every bound
   * breaker in line with the fleet — each adopts the fleet's state, or puts its own back when the
   * fleet has none or an older one. Messages missed while away are covered by that read.
   */
  async #recover(): Promise<void> {
    if (this.#recovering || !this.#subscribed) return;
    if (this.#status === 'closed' || this.#status === 'up') return;
    this.#recovering = true;
    try {
      try {
        await this.#connection.command(['PING'], undefined);
      } catch (error) {
        this.#fail(error);
        return;
      }
      await this.#flushing;
      const synced = await this.#flush(performance.now(), true);
      // Read again: the awaits above let events change it.
      const status = this.#status as Status;
      if (!synced || !this.#subscribed || status === 'closed' || status === 'up') return;
      this.#status = 'up';
      this.#lastSync = performance.now();
      if (status === 'down') {
        this.#listeners.emit('storeRecovered', {
          unavailableMs: Math.round(this.#lastSync - this.#downSince),
        });
      }
    } finally {
      this.#recovering = false;
    }
  }

  /**
   * Runs a script on behalf of breaker `name`. Resolves its reply as an array, or undefined when
   * Redis did not answer (the store is then down) or refused the script over that breaker's data
   * (reported with the name; the store stays up).
   */
  async #run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
    name: string | undefined,
  ): Promise<unknown[] | undefined> {
    const outcome = await this.#evaluate(script, keys, args);
    if (outcome.kind === 'reply') return outcome.reply;
    if (outcome.kind === 'refused' && name !== undefined) this.#context.report(name, outcome.error);
    return undefined;
  }

  async #evaluate(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<Outcome> {
    if (this.#status === 'closed') return { kind: 'down' };
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    const key = keys[0];
    try {
      let reply: unknown;
      if (!this.#loaded.has(script)) {
        // The first time, the script goes whole; what follows on the same connection comes
        // after it, and goes by its SHA-1 (a cluster node that has not seen it answers NOSCRIPT,
        // and gets it whole then).
        this.#loaded.add(script);
        reply = await this.#connection.command(['EVAL', script.source, ...tail], key);
      } else {
        try {
          reply = await this.#connection.command(['EVALSHA', script.sha, ...tail], key);
        } catch (error) {
          // Redis lost its script cache (a restart, SCRIPT FLUSH), or this cluster node has not
          // seen it: EVAL loads the script again.
          if (!messageOf(error).startsWith('NOSCRIPT')) throw error;
          reply = await this.#connection.command(['EVAL', script.source, ...tail], key);
        }
      }
      const array = replyArray(reply);
      if (array === undefined) throw new Error(`Unexpected reply to the ${script.name} script`);
      return { kind: 'reply', reply: array };
    } catch (error) {
      if (dataErrorPattern.test(messageOf(error))) return { kind: 'refused', error };
      this.#fail(error);
      return { kind: 'down' };
    }
  }
}

/** How a script ended: a reply, Redis away, or refused over one breaker's data. */
type Outcome =
  | { kind: 'reply'; reply: unknown[] }
  | { kind: 'down' }
  | { kind: 'refused'; error: unknown };

function messageOf(error: unknown): string {
  return String((error as Error | undefined)?.message);
}
