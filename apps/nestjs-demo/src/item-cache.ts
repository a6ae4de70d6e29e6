import { InvalidOptionError } from '@tripswitch/core';

/**
 * The last good answers of the upstream, by item id, for the fallback to serve while the
 * upstream fails. Bounded: ids come from requests, so once it holds `maxItems` the answer stored
 * longest ago makes room for the new one.
 */
export class ItemCache<T> {
  readonly #maxItems: number;
  readonly #items = new Map<string, T>();

  /**
   * @param maxItems - how many answers to keep, an integer ≥ 1.
   * @throws `InvalidOptionError` when `maxItems` is not an integer ≥ 1.
   */
  constructor(maxItems: number) {
    if (!Number.isInteger(maxItems) || maxItems < 1) {
      throw new InvalidOptionError('maxItems', maxItems, 'an integer >= 1');
    }
    this.#maxItems = maxItems;
  }

  /** How many answers it holds. */
  get size(): number {
    return this.#items.size;
  }

  /** Keeps `item` as the last good answer for `id`, forgetting the oldest one if full. */
  remember(id: string, item: T): void {
    // Deleting first moves a refreshed id to the end of the Map's order: the newest.
    this.#items.delete(id);
    this.#items.set(id, item);
    if (this.#items.size > this.#maxItems) {
      const oldest = this.#items.keys().next();
      if (!oldest.done) this.#items.delete(oldest.value);
    }
  }

  /** The last good answer for `id`, if it is still kept. */
  recall(id: string): T | undefined {
    return this.#items.get(id);
  }
}
