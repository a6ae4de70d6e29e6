/**
 * Counts the reads of options' properties, to test that each is read once: what the breaker
 * uses must be what it checked, so an option whose getter (or proxy) answers differently the
 * second time must not be read a second time.
 */
export class ReadCounter {
  readonly #reads = new Map<string, number>();

  /** `target` behind a proxy that counts each read of its properties, named `path` + key. */
  watch<T extends object>(target: T, path: string): T {
    return new Proxy(target, {
      get: (object, key, receiver) => {
        if (typeof key === 'string') this.#count(`${path}${key}`);
        return Reflect.get(object, key, receiver);
      },
    });
  }

  /** How many times `name` (a path and a key) was read. */
  reads(name: string): number {
    return this.#reads.get(name) ?? 0;
  }

  /** The properties read more than once, with their counts. */
  readTwice(): Record<string, number> {
    return Object.fromEntries([...this.#reads].filter(([, count]) => count > 1));
  }

  #count(name: string): void {
    this.#reads.set(name, this.reads(name) + 1);
  }
}

/**
 * An object whose `key` answers `first` on its first read and `later` on every read after; the
 * read count is kept in `reads`.
 */
export function shifting<T extends object>(
  target: T,
  key: string,
  first: unknown,
  later: unknown,
): T & { readonly reads: number } {
  let reads = 0;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => (reads++ === 0 ? first : later),
  });
  Object.defineProperty(target, 'reads', { enumerable: false, get: () => reads });
  return target as T & { readonly reads: number };
}
