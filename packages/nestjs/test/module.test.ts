import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import type { BreakerStore } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import {
  type Breaker,
  BreakerRegistry,
  breakerToken,
  CircuitBreaker,
  InjectBreaker,
  InvalidOptionError,
  TripswitchModule,
} from '../src/index.ts';
import { manualClock, startApp } from './nest-app.ts';
import { trackingStore } from './tracking-store.ts';

const clock = manualClock();

@Injectable()
class Inventory {
  failing = false;

  @CircuitBreaker('inventory')
  async stock(sku: string): Promise<number> {
    if (this.failing) throw new Error('inventory is down');
    return sku.length;
  }
}

@Controller('stock')
class StockController {
  readonly #inventory: Inventory;

  constructor(inventory: Inventory) {
    this.#inventory = inventory;
  }

  @Get()
  async stock() {
    return { stock: await this.#inventory.stock('abc') };
  }
}

const configuration = () => ({
  breakers: {
    defaults: { minimumCalls: 5, failureRateThreshold: 50 },
    perName: { inventory: { consecutiveFailures: 2 } },
  },
});

@Module({
  imports: [
    TripswitchModule.forRootAsync({
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [configuration] })],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        defaults: { ...config.getOrThrow('breakers.defaults'), clock },
        breakers: config.getOrThrow('breakers.perName'),
      }),
    }),
  ],
  providers: [Inventory],
  controllers: [StockController],
})
class AsyncAppModule {}

describe('TripswitchModule.forRootAsync() with ConfigService', () => {
  it('builds the registry from configuration, per-name options merged over the defaults', async () => {
    const { app, get } = await startApp({ imports: [AsyncAppModule] });
    const inventory = app.get(Inventory);
    const registry = app.get(BreakerRegistry);
    expect((await get('/stock')).status).toBe(200);

    inventory.failing = true;
    expect((await get('/stock')).status).toBe(500);
    expect(registry.get('inventory').state).toBe('closed');
    expect((await get('/stock')).status).toBe(500);
    // Two failures in a row (configured for the name), long before minimumCalls (a default).
    expect(registry.get('inventory').state).toBe('open');
    const refused = await get('/stock');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');

    // A breaker with no configuration of its own gets the defaults.
    const other = registry.get('other');
    for (let i = 0; i < 4; i++) other.tryAcquire()?.failure(new Error('x'));
    expect(other.state).toBe('closed');
    other.tryAcquire()?.failure(new Error('x'));
    expect(other.state).toBe('open');
  });

  it('gives every application built from one root module a registry of its own', async () => {
    const first = await startApp({ imports: [AsyncAppModule] });
    const second = await startApp({ imports: [AsyncAppModule] });
    expect(first.app.get(BreakerRegistry)).not.toBe(second.app.get(BreakerRegistry));

    first.app.get(Inventory).failing = true;
    await first.get('/stock');
    await first.get('/stock');
    expect((await first.get('/stock')).status).toBe(503);
    expect((await second.get('/stock')).status).toBe(200);
    expect(second.app.get(BreakerRegistry).get('inventory').stats().totals).toMatchObject({
      successes: 1,
      failures: 0,
      rejected: 0,
    });
  });

  it('leaves the filter out with filter: false beside the factory', async () => {
    const { app, get } = await startApp({
      imports: [TripswitchModule.forRootAsync({ useFactory: () => ({}), filter: false })],
      providers: [Inventory],
      controllers: [StockController],
    });
    app.get(BreakerRegistry).isolate('inventory');
    expect((await get('/stock')).status).toBe(500);
  });

  it('fails the start when the factory returns filter, or options the registry rejects', async () => {
    await expect(
      startApp({
        imports: [
          TripswitchModule.forRootAsync({ useFactory: () => ({ filter: false }) as never }),
        ],
      }),
    ).rejects.toThrow(/filter is an option of forRootAsync\(\) itself/);
    await expect(
      startApp({
        imports: [
          TripswitchModule.forRootAsync({
            useFactory: async () => ({ breakers: { payments: { failureRateThreshold: 0 } } }),
          }),
        ],
      }),
    ).rejects.toMatchObject({
      name: 'InvalidOptionError',
      option: 'breakers.payments.failureRateThreshold',
    });
  });

  it('says the factory returned no object when it returned an array, rather than blame filter', async () => {
    // An array inherits `filter` from Array.prototype: not an option the factory gave.
    await expect(
      startApp({
        imports: [TripswitchModule.forRootAsync({ useFactory: () => [{ defaults: {} }] as never })],
      }),
    ).rejects.toMatchObject({ name: 'InvalidOptionError', option: 'options' });
  });

  it('fails the start when the factory returns nothing, rather than drop the configuration', async () => {
    // A block body that forgot its `return`: every breaker would silently run on the defaults.
    await expect(
      startApp({
        imports: [
          TripswitchModule.forRootAsync({
            useFactory: () => {
              ({ breakers: { payments: { openDurationMs: 60_000 } } });
            },
          } as never),
        ],
      }),
    ).rejects.toMatchObject({ name: 'InvalidOptionError', option: 'useFactory' });
    await expect(
      startApp({ imports: [TripswitchModule.forRootAsync({ useFactory: async () => ({}) })] }),
    ).resolves.toBeDefined();
  });

  it("shares the registry's breakers through forRoot's store", async () => {
    const bound: string[] = [];
    const store: BreakerStore = {
      bind: (circuit) => {
        bound.push(circuit.name);
        return {
          publish: () => {},
          record: () => {},
          fleetCounts: () => undefined,
          takeTrial: () => undefined,
          trialSettled: () => {},
          unbind: () => {},
        };
      },
    };
    const { app } = await startApp({ imports: [TripswitchModule.forRoot({ store })] });
    app.get(BreakerRegistry).get('payments');
    expect(bound).toEqual(['payments']);
    await expect(
      startApp({ imports: [TripswitchModule.forRoot({ store: { bind: 'no' } as never })] }),
    ).rejects.toMatchObject({ name: 'InvalidOptionError', option: 'store' });
  });

  it('lets go of its breakers when the application closes, so a store shared by applications does not keep them', async () => {
    const store = trackingStore();
    const { bound } = store;
    // One store for the process, as a module declared once gives every application built from it.
    const root = TripswitchModule.forRoot({ store });
    for (let round = 0; round < 3; round++) {
      const moduleRef = await Test.createTestingModule({
        imports: [root],
        providers: [Inventory],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      await app.get(Inventory).stock('abc');
      expect([...bound]).toEqual([`inventory #${round + 1}`]);
      await app.close();
      expect(bound.size).toBe(0);
    }
  });

  it('rejects bad module options when the module is declared', () => {
    expect(() => TripswitchModule.forRoot({ filters: false } as never)).toThrow(
      /no such option; allowed: defaults, breakers, maxBreakers, filter/,
    );
    expect(() => TripswitchModule.forRoot({ filter: 'no' } as never)).toThrow(InvalidOptionError);
    expect(() => TripswitchModule.forRootAsync({} as never)).toThrow(/useFactory/);
    expect(() =>
      TripswitchModule.forRootAsync({ useFactory: () => ({}), inject: ConfigService } as never),
    ).toThrow(/"inject".*an array/);
    expect(() => TripswitchModule.forFeature('inventory' as never)).toThrow(InvalidOptionError);
    expect(() => TripswitchModule.forFeature([''])).toThrow(InvalidOptionError);
  });

  it('fails the start when forRoot() options are invalid, naming the option', async () => {
    await expect(
      startApp({ imports: [TripswitchModule.forRoot({ defaults: { minimumCalls: 0 } })] }),
    ).rejects.toMatchObject({ option: 'defaults.minimumCalls' });
  });
});

describe('@InjectBreaker()', () => {
  @Injectable()
  class PricingClient {
    readonly breaker: Breaker;
    @InjectBreaker('inventory') readonly inventory!: Breaker;

    constructor(@InjectBreaker('pricing') breaker: Breaker) {
      this.breaker = breaker;
    }

    price(sku: string): Promise<number> {
      return this.breaker.execute(async () => sku.length * 100);
    }
  }

  @Module({
    imports: [TripswitchModule.forFeature(['pricing', 'inventory'])],
    providers: [PricingClient],
    exports: [PricingClient],
  })
  class PricingModule {}

  it('injects a breaker of the registry by name, in a constructor or a property', async () => {
    const { app } = await startApp({
      imports: [
        TripswitchModule.forRoot({ breakers: { pricing: { halfOpenMaxCalls: 1 } } }),
        PricingModule,
      ],
      providers: [Inventory],
    });
    const registry = app.get(BreakerRegistry);
    const client = app.get(PricingClient);
    expect(client.breaker).toBe(registry.get('pricing'));
    expect(client.inventory).toBe(registry.get('inventory'));
    expect(app.get(breakerToken('pricing'))).toBe(client.breaker);
    await expect(client.price('ab')).resolves.toBe(200);
    expect(registry.get('pricing').stats().totals.successes).toBe(1);
  });

  it('fails the start when the name was not made injectable with forFeature()', async () => {
    @Injectable()
    class Orphan {
      readonly breaker: Breaker;

      constructor(@InjectBreaker('orphan') breaker: Breaker) {
        this.breaker = breaker;
      }
    }
    await expect(
      startApp({ imports: [TripswitchModule.forRoot()], providers: [Orphan] }),
    ).rejects.toThrow(/tripswitch:breaker:orphan/);
    expect(() => InjectBreaker('')).toThrow(InvalidOptionError);
  });
});
