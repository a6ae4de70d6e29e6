import { Injectable, Module } from '@nestjs/common';
import { expect, it } from 'vitest';
import { type Breaker, BreakerRegistry, InjectBreaker, TripswitchModule } from '../src/index.ts';
import { startApp } from './nest-app.ts';

@Injectable()
class InventoryClient {
  readonly breaker: Breaker;

  constructor(@InjectBreaker('inventory') breaker: Breaker) {
    this.breaker = breaker;
  }
}

@Module({
  imports: [TripswitchModule.forFeature(['inventory'])],
  providers: [InventoryClient],
  exports: [InventoryClient],
})
class InventoryModule {}

// An injected breaker is held by its consumer for the life of the application, but the registry
// evicts a breaker for a name it was not configured with like any breaker built for an untrusted
// key, once other names fill `maxBreakers` (closed and quiet, the first kind to go): the consumer
// then calls through a breaker the registry no longer reports. A name configured under
// `breakers` is never evicted (the core keeps it), which is the remedy the README gives.
/**
 * Starts an app with `root` and the inventory module, fills the registry with breakers for two
 * other names (as code keyed by host or tenant builds them in the same registry), isolates the
 * injected breaker, and checks the registry still holds it and reports it.
 */
async function injectedBreakerAfterOtherNames(
  root: Parameters<typeof TripswitchModule.forRoot>[0],
) {
  const { app } = await startApp({ imports: [TripswitchModule.forRoot(root), InventoryModule] });
  const registry = app.get(BreakerRegistry);
  registry.get('tenant-a');
  registry.get('tenant-b');
  const client = app.get(InventoryClient);
  client.breaker.isolate();
  expect(registry.get('inventory')).toBe(client.breaker);
  expect(registry.health().status).toBe('degraded');
}

it('keeps an injected breaker whose name is configured, so its health is reported', async () => {
  await injectedBreakerAfterOtherNames({ maxBreakers: 2, breakers: { inventory: {} } });
});

// Skipped: an injected name that is not configured can still be evicted. Keeping it would need
// the registry to keep names it is told of at run time (forFeature(), @CircuitBreaker()), which
// the core does not offer yet.
it.skip('keeps an injected breaker in the registry, so its health is reported', async () => {
  await injectedBreakerAfterOtherNames({ maxBreakers: 2 });
});
