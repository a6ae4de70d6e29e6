import type { BreakerRegistry } from '@tripswitch/core';
import { boundedName } from '@tripswitch/core/internal';

/**
 * @internal The value of each breaker's `circuit_breaker.name` attribute: its name, cut to
 * `maxNameLength` when longer. A name within the limit is its own label and is not stored; a
 * longer one is hashed whole once, not at every collection, call or refusal, and its label kept
 * while the registry holds the breaker. Labels of breakers the registry no longer holds go at
 * the next collection, or as soon as they outnumber the registry's breakers twice over, so long
 * names that come and go cannot grow memory without bound even when nothing collects.
 */
export class BreakerLabels {
  readonly #labels = new Map<string, string>();
  readonly #registry: Pick<BreakerRegistry, 'has' | 'size'>;
  readonly #maxNameLength: number;

  constructor(registry: Pick<BreakerRegistry, 'has' | 'size'>, maxNameLength: number) {
    this.#registry = registry;
    this.#maxNameLength = maxNameLength;
  }

  /** The label of the breaker `name`. */
  of(name: string): string {
    if (name.length <= this.#maxNameLength) return name;
    let label = this.#labels.get(name);
    if (label === undefined) {
      // Amortised: after a sweep at most `size` remain, so the next one is `size + 16` away.
      if (this.#labels.size >= 2 * this.#registry.size + 16) this.sweep();
      label = boundedName(name, this.#maxNameLength);
      this.#labels.set(name, label);
    }
    return label;
  }

  /** Drops the labels of breakers the registry no longer holds. */
  sweep(): void {
    for (const name of this.#labels.keys()) {
      if (!this.#registry.has(name)) this.#labels.delete(name);
    }
  }

  /** How many labels are kept (for tests of the bound). */
  get size(): number {
    return this.#labels.size;
  }
}
