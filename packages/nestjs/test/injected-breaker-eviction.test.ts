import { Injectable, Module } from '@nestjs/common';
import { expect, it } from 'vitest';
import {
  type Breaker,
  BreakerRegistry,
  CircuitBreaker,
  InjectBreaker,
  TripswitchModule,
} from '../src/index.ts';
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

// An injected breaker is held by its consumer for the life of the application. Were the registry
// to evict it like a breaker built for an untrusted key, once other names fill `maxBreakers`
// (closed and quiet, the first kind to go), the consumer would call through a breaker the registry
// no longer reports. The module keeps the names the application's code gives (forFeature(),
// @CircuitBreaker()), configured or not.
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

it('keeps an injected breaker in the registry, so its health is reported', async () => {
  await injectedBreakerAfterOtherNames({ maxBreakers: 2 });
});

@Injectable()
class Stock {
  @CircuitBreaker('stock')
  async count(): Promise<number> {
    throw new Error('stock service down');
  }
}

it("keeps a decorated method's breaker, evidence and all, however many other names come", async () => {
  const { app } = await startApp({
    imports: [TripswitchModule.forRoot({ maxBreakers: 2 })],
    providers: [Stock],
  });
  const registry = app.get(BreakerRegistry);
  await expect(app.get(Stock).count()).rejects.toThrow('stock service down');
  const stock = registry.get('stock');
  // Keyed breakers with evidence of their own: as worth keeping as the method's, by rank.
  for (let i = 0; i < 10; i++) {
    const tenant = registry.get(`tenant-${i}`);
    await expect(tenant.execute(() => Promise.reject(new Error('tenant down')))).rejects.toThrow();
  }
  expect(registry.has('stock')).toBe(true);
  expect(registry.get('stock')).toBe(stock);
  expect(stock.stats().failures).toBe(1);
});
