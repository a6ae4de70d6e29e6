// A store for the tests that spoil what Redis holds: quick to flush and to sync, with the
// storeError events it emits.
import { onTestFinished } from 'vitest';
import { RedisBreakerStore, type RedisStoreEvents } from '../../src/index.ts';
import { type ClientKind, connectClient } from './clients.ts';

/**
 * A store under `prefix` on a new client of `kind`, and the `storeError` events it emits; the
 * store and its client are closed when the test ends.
 */
export async function storeWithEvents(
  kind: ClientKind,
  url: string,
  prefix: string,
): Promise<{ store: RedisBreakerStore; events: RedisStoreEvents['storeError'][] }> {
  const { client, close } = await connectClient(kind, url);
  const store = new RedisBreakerStore({ client, prefix, flushIntervalMs: 50, syncIntervalMs: 100 });
  const events: RedisStoreEvents['storeError'][] = [];
  store.on('storeError', (event) => events.push(event));
  onTestFinished(async () => {
    await store.close();
    await close();
  });
  return { store, events };
}
