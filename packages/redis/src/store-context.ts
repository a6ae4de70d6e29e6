import type { Settings } from './options.ts';
import type { Script } from './scripts.ts';

/** @internal What a store's name entries and bindings share. */
export interface StoreContext {
  readonly settings: Settings;
  /** The channel transitions are published on. */
  readonly channel: string;
  /** Whether Redis answers and the subscription is in place, so the fleet's figures hold. */
  available(): boolean;
  /**
   * Runs a script on the keys of one breaker, `name`. Resolves its reply as an array, or
   * undefined when Redis did not answer in time or failed — the store is then unavailable until
   * it recovers — or refused the script for that breaker's data, which is reported with its
   * name and harms no other breaker. Never rejects.
   */
  run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
    name: string,
  ): Promise<unknown[] | undefined>;
  /** Reports data of breaker `name` that failed validation (`storeError` with the name). */
  report(name: string | undefined, error: unknown): void;
}
