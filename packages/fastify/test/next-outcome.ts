import type { BreakerEventName, BreakerListener } from '@tripswitch/core';

/** A breaker or a registry: anything with the breaker events. */
interface EventSource {
  on<K extends BreakerEventName>(event: K, listener: BreakerListener<K>): () => void;
}

/** How a permit was settled, from the breaker's events. */
export interface Outcome {
  kind: 'success' | 'failure' | 'ignored';
  name: string;
  durationMs: number;
  error?: unknown;
}

/**
 * The next outcome a breaker of `source` records. Start waiting before the request: the plugin
 * settles in `onResponse`, which may run after the client has read the answer.
 */
export function nextOutcome(source: EventSource): Promise<Outcome> {
  return new Promise((resolve) => {
    const offs: Array<() => void> = [];
    const settle = (outcome: Outcome): void => {
      for (const off of offs) off();
      resolve(outcome);
    };
    offs.push(
      source.on('success', ({ name, durationMs }) => settle({ kind: 'success', name, durationMs })),
      source.on('failure', ({ name, durationMs, error }) =>
        settle({ kind: 'failure', name, durationMs, error }),
      ),
      source.on('ignored', ({ name, durationMs }) => settle({ kind: 'ignored', name, durationMs })),
    );
  });
}
