import type { BreakerStore, StoreBinding, StoreCircuit } from '@tripswitch/core';
import type { Connection, Subscriber } from './client/connection.ts';
import { connectionFor } from './client/connection-for.ts';
import { channelOf } from './keys.ts';
import { NameEntry } from './name-entry.ts';
import { type RedisBreakerStoreOptions, resolveSettings, type Settings } from './options.ts';
import { replyArray } from './reply.ts';
import type { Script } from './scripts.ts';
import { decodeMessage } from './shared-state-codec.ts';
import { storeBinding } from './store-binding.ts';
import type { StoreContext } from './store-context.ts';
import {
  type RedisStoreEventName,
  type RedisStoreListener,
  StoreListeners,
} from './store-events.ts';
import { TrialGrants } from './trial-grants.ts';

type Status = 'idle' | 'connecting' | 'up' | 'down' | 'closed';

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
  readonly #entries = new Map<string, NameEntry>();
  readonly #listeners = new StoreListeners();
  #status: Status = 'idle';
  #subscriber: Subscriber | undefined;
  #subscribed = false;
  #recovering = false;
  #downSince = 0;
  #lastProbe = 0;
  #lastSync = 0;
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
      run: (script, keys, args) => this.#run(script, keys, args),
    };
  }

  /**
   * Whether Redis answers and the store follows the fleet. While false, every breaker decides
   * alone; it becomes true shortly after the first breaker binds, and after each recovery.
   */
  get available(): boolean {
    return this.#status === 'up';
  }

  /** Binds a breaker (the engine calls this when a breaker with `store` is built). */
  bind(circuit: StoreCircuit): StoreBinding {
    if (this.#status === 'closed') return inertBinding;
    this.#start();
    const name = circuit.name;
    let entry = this.#entries.get(name);
    if (entry === undefined) {
      entry = new NameEntry(name, this.#context);
      this.#entries.set(name, entry);
    } else if (entry.known !== undefined) {
      // Another breaker of this name in this process already follows the fleet.
      try {
        circuit.adopt(entry.known);
      } catch {
        // The engine's adopt does not throw; binding must not, whatever the circuit.
      }
    }
    const bound = { circuit, trials: new TrialGrants(circuit, entry, this.#context) };
    entry.bound.add(bound);
    // A breaker that starts late reads the fleet's state (or, if there is none, puts its own).
    if (this.#status === 'up') void entry.sync();
    const bindingEntry = entry;
    return storeBinding(entry, bound, this.#context, () => {
      bindingEntry.bound.delete(bound);
      if (bindingEntry.bound.size === 0 && this.#entries.get(name) === bindingEntry) {
        this.#entries.delete(name);
      }
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
   * Adds the counts still buffered to Redis (waiting at most `commandTimeoutMs`), then stops the
   * timer and closes the store's own connection. Bound breakers go on alone. Your client stays
   * open.
   */
  async close(): Promise<void> {
    if (this.#status === 'closed') return;
    if (this.#status === 'up') {
      await Promise.all([...this.#entries.values()].map((entry) => entry.drain()));
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
    this.#timer = setInterval(() => this.#tick(), this.#settings.flushIntervalMs);
    this.#timer.unref?.();
  }

  #onMessage(text: string): void {
    const message = decodeMessage(text);
    if (message === undefined) return;
    this.#entries.get(message.name)?.adoptAll(message.state);
  }

  #tick(): void {
    if (this.#status === 'closed') return;
    const now = performance.now();
    if (this.#status !== 'up') {
      if (this.#status === 'down' && now - this.#lastProbe >= this.#settings.retryIntervalMs) {
        this.#lastProbe = now;
        if (this.#subscribed) void this.#recover();
        else this.#subscriber?.retry();
      }
      return;
    }
    for (const entry of this.#entries.values()) entry.tick(now);
    if (now - this.#lastSync >= this.#settings.syncIntervalMs) {
      this.#lastSync = now;
      for (const entry of this.#entries.values()) void entry.sync();
    }
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
      const synced = await Promise.all([...this.#entries.values()].map((entry) => entry.sync()));
      // Read again: the awaits above let events change it.
      const status = this.#status as Status;
      if (!synced.every(Boolean) || !this.#subscribed || status === 'closed' || status === 'up') {
        return;
      }
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

  async #run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown[] | undefined> {
    if (this.#status === 'closed') return undefined;
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    const key = keys[0];
    try {
      let reply: unknown;
      try {
        reply = await this.#connection.command(['EVALSHA', script.sha, ...tail], key);
      } catch (error) {
        // Redis lost its script cache (a restart, SCRIPT FLUSH): EVAL loads the script again.
        if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
        reply = await this.#connection.command(['EVAL', script.source, ...tail], key);
      }
      const array = replyArray(reply);
      if (array === undefined) throw new Error(`Unexpected reply to the ${script.name} script`);
      return array;
    } catch (error) {
      this.#fail(error);
      return undefined;
    }
  }
}
